package dev.rlhf.web.models;

import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The model card as {@code README.md} in the model's directory, where Hugging Face tools look for it. It is written
 * to a temporary file and moved into place, so a reader sees the old card or the new one, never half of one.
 */
@Component
public record ModelReadme(ModelCards cards) {
    public static final String FILE = "README.md";

    /** Writes the card of {@code model} to {@code README.md} in its directory (replacing an older one whole). */
    public Path write(ModelRegistry.Model model) {
        Path dir = Path.of(model.path());
        Path readme = dir.resolve(FILE);
        try {
            Path tmp = Files.createTempFile(dir, "README", ".md.tmp");
            try {
                Files.writeString(tmp, cards.of(model).markdown(), StandardCharsets.UTF_8);
                Files.move(tmp, readme, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the model card " + readme + ": " + e.getMessage(), e);
        }
        return readme;
    }
}
