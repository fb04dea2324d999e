package dev.rlhf.lm.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The tiny GPT-2 made by {@code src/test/python/make_hf_fixture.py}. */
final class Fixtures {

    private Fixtures() {
    }

    static Path dir(String sub) {
        try {
            Path root = Path.of(Fixtures.class.getResource("/hf-tiny-gpt2").toURI());
            return sub.isEmpty() ? root : root.resolve(sub);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject json(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the regular files of a fixture directory (not its subdirectories) into {@code target}. */
    static Path copyModelDir(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) Files.copy(p, target.resolve(p.getFileName()));
            }
        }
        return target;
    }
}
