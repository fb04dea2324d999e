package dev.rlhf.lm.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the tokenizer of a model directory: {@code tokenizer.json} (any Hugging Face fast tokenizer) wins; otherwise
 * the {@value ByteTokenizer#MARKER_FILE} marker written by {@link ByteTokenizer#save} selects the byte-level one.
 * A directory with neither is refused rather than guessed, since a wrong tokenizer yields a silently wrong model.
 */
public final class Tokenizers {

    /** Every tokenizer file a model directory may hold; saving a tokenizer first removes them all. */
    public static final java.util.List<String> FILES = java.util.List.of(HfTokenizer.FILE, HfTokenizer.CONFIG_FILE,
            HfTokenizer.SPECIAL_TOKENS_FILE, ByteTokenizer.MARKER_FILE);

    private Tokenizers() {
    }

    public static Tokenizer load(Path modelDir) throws IOException {
        Path bpe = modelDir.resolve(HfTokenizer.FILE);
        if (Files.isRegularFile(bpe)) return HfTokenizer.load(bpe);
        Path marker = modelDir.resolve(ByteTokenizer.MARKER_FILE);
        if (Files.isRegularFile(marker)) return ByteTokenizer.load(marker);
        throw new IOException(modelDir + ": no tokenizer found: expected " + HfTokenizer.FILE
                + " (Hugging Face) or " + ByteTokenizer.MARKER_FILE + " (byte-level)");
    }

    /**
     * Writes {@code tokenizer}'s files into {@code modelDir} and removes every other tokenizer file there. The files
     * are written to a scratch directory first, so a tokenizer loaded from {@code modelDir} itself survives.
     */
    public static void save(Tokenizer tokenizer, Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        Path scratch = Files.createTempDirectory(modelDir, ".tokenizer");
        try {
            tokenizer.save(scratch);
            for (String f : FILES) Files.deleteIfExists(modelDir.resolve(f));
            try (java.util.stream.Stream<Path> written = Files.list(scratch)) {
                for (Path p : (Iterable<Path>) written::iterator) {
                    Files.move(p, modelDir.resolve(p.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            try (java.util.stream.Stream<Path> left = Files.list(scratch)) {
                for (Path p : (Iterable<Path>) left::iterator) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(scratch);
        }
    }
}
