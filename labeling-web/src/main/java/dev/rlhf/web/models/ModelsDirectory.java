package dev.rlhf.web.models;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.nio.file.Path;

/**
 * The models directory ({@code rlhf.models-dir}, by default {@code DATA_DIR/models}), resolved once: runs write their
 * directories there and brought models must lie inside it.
 */
@Component
public class ModelsDirectory {
    private final Path path;

    public ModelsDirectory(@Value("${rlhf.models-dir:${rlhf.data-dir:./data}/models}") String dir) {
        this.path = Path.of(dir).toAbsolutePath().normalize();
    }

    public Path path() {
        return path;
    }
}
