package dev.rlhf.lm.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back, for a causal language model.
 *
 * <p>Conventions: {@link #encode} adds no special tokens (no BOS, no EOS); a caller that wants a document boundary
 * appends {@link #eosId()} itself. EOS ends a completion: sampling stops at it and a completion without one is
 * truncated. GPT-2 has no pad token: batches of unequal length are padded with any id (by convention the EOS id)
 * and the padding is carried by a 0/1 attention mask, never recognised by its id; with left padding the position
 * ids must skip the padded slots.
 */
public interface Tokenizer {

    /** The ids of {@code text}, with no special tokens added. */
    int[] encode(String text);

    /**
     * The ids as Hugging Face transformers' {@code tokenizer(text)} gives them by default: with the special tokens
     * the tokenizer's post-processor adds (Llama's BOS; none for GPT-2 or the byte-level tokenizer).
     */
    default int[] encodeWithSpecialTokens(String text) {
        return encode(text);
    }

    /** The text of {@code ids}; byte sequences that are not valid UTF-8 become U+FFFD rather than an error. */
    String decode(int[] ids);

    /** The end-of-text id. */
    int eosId();

    /** One more than the largest id this tokenizer produces (the model's vocab_size must be at least this). */
    int vocabSize();

    /** Writes the files that {@link Tokenizers#load} reads back into a model directory. */
    void save(Path modelDir) throws IOException;
}
