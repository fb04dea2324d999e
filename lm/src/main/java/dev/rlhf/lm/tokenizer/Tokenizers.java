package dev.rlhf.lm.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the tokenizer of a model directory: {@code tokenizer.json} (a Hugging Face BPE tokenizer) wins; otherwise
 * the {@value ByteTokenizer#MARKER_FILE} marker written by {@link ByteTokenizer#save} selects the byte-level one.
 * A directory with neither is refused rather than guessed, since a wrong tokenizer yields a silently wrong model.
 */
public final class Tokenizers {

    private Tokenizers() {
    }

    public static Tokenizer load(Path modelDir) throws IOException {
        Path bpe = modelDir.resolve(Gpt2BpeTokenizer.FILE);
        if (Files.isRegularFile(bpe)) return Gpt2BpeTokenizer.load(bpe);
        Path marker = modelDir.resolve(ByteTokenizer.MARKER_FILE);
        if (Files.isRegularFile(marker)) return ByteTokenizer.load(marker);
        throw new IOException(modelDir + ": no tokenizer found: expected " + Gpt2BpeTokenizer.FILE
                + " (Hugging Face BPE) or " + ByteTokenizer.MARKER_FILE + " (byte-level)");
    }
}
