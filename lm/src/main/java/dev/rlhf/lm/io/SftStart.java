package dev.rlhf.lm.io;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The model supervised fine-tuning starts from and its tokenizer: a Hugging Face model directory of any family, or,
 * without one, a new GPT-2 of the given shape with the byte-level tokenizer.
 */
public record SftStart(Tokenizer tokenizer, CausalLm model) {

    /** {@code init} loaded into {@code manager}, or (init null) a new byte-level GPT-2 seeded with {@code seed}. */
    public static SftStart of(Path init, NDManager manager, int nPositions, int nEmbd, int nLayer, int nHead, long seed)
            throws IOException {
        if (init != null) return new SftStart(Tokenizers.load(init), HfCheckpoint.loadModel(init, manager));
        Tokenizer tokenizer = new ByteTokenizer();
        return new SftStart(tokenizer, new GPT2(GPT2Config.of(tokenizer.vocabSize(), nPositions, nEmbd, nLayer, nHead), manager, seed));
    }
}
