package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * A right-padded training batch of prompt ++ completion sequences: the model reads {@code inputs} = seq[:-1] and is
 * scored on {@code targets} = seq[1:] where {@code lossMask} is 1, i.e. where the target is a completion token.
 *
 * @param inputs        [B, T] token ids (padding: 0)
 * @param targets       [B, T] next tokens
 * @param attentionMask [B, T] 1 for real input tokens
 * @param lossMask      [B, T] 1 where the target is a completion token
 * @param tokens        real input tokens in the batch
 * @param supervised    completion tokens in the batch (Σ lossMask)
 * @param firstSupervised the first position whose target is a completion token in some row (the shortest prompt's
 *                        length − 1): no position before it is scored
 */
public record SftBatch(NDArray inputs, NDArray targets, NDArray attentionMask, NDArray lossMask, long tokens,
                       long supervised, int firstSupervised) {

    /**
     * log p(target) under {@code model} at the positions {@link #firstSupervised} … T − 1, [B, T − from]: the pass
     * keeps only those positions, so the last layer and the vocabulary projection skip the prompt that every row
     * shares in length.
     */
    public NDArray supervisedLogProbs(CausalLm model) {
        NDArray hidden = model.hidden(inputs, attentionMask, null, null, firstSupervised);
        return LmHead.logProbs(LmHead.logits(model, hidden), targets.get(":, {}:", firstSupervised));
    }

    /** {@link #lossMask} at the positions of {@link #supervisedLogProbs}: [B, T − firstSupervised]. */
    public NDArray supervisedMask() {
        return lossMask.get(":, {}:", firstSupervised);
    }

    /**
     * Builds a batch in {@code manager}. Nothing is cut here: a sequence longer than {@code maxLen} + 1 is refused
     * (a TL;DR post is fitted once, where it is tokenised: {@link SftExample#ofPost}).
     */
    public static SftBatch of(List<SftExample> examples, int maxLen, NDManager manager) {
        int b = examples.size();
        int[][] seqs = new int[b][];
        int[] promptLens = new int[b];
        int t = 0, shortestPrompt = Integer.MAX_VALUE;
        for (int r = 0; r < b; r++) {
            SftExample e = examples.get(r);
            int[] prompt = e.prompt(), completion = e.completion();
            if (prompt.length + completion.length > maxLen + 1) {
                throw new IllegalArgumentException("an example of " + prompt.length + " + " + completion.length
                        + " tokens is longer than n_positions + 1 = " + (maxLen + 1));
            }
            int[] seq = new int[prompt.length + completion.length];
            System.arraycopy(prompt, 0, seq, 0, prompt.length);
            System.arraycopy(completion, 0, seq, prompt.length, completion.length);
            seqs[r] = seq;
            promptLens[r] = prompt.length;
            shortestPrompt = Math.min(shortestPrompt, prompt.length);
            t = Math.max(t, seq.length - 1);
        }
        int[] inputs = new int[b * t], targets = new int[b * t], mask = new int[b * t];
        float[] loss = new float[b * t];
        long tokens = 0, supervised = 0;
        for (int r = 0; r < b; r++) {
            int[] s = seqs[r];
            for (int j = 0; j + 1 < s.length; j++) {
                inputs[r * t + j] = s[j];
                targets[r * t + j] = s[j + 1];
                mask[r * t + j] = 1;
                tokens++;
                if (j + 1 >= promptLens[r]) {   // the target s[j+1] belongs to the completion
                    loss[r * t + j] = 1;
                    supervised++;
                }
            }
        }
        Shape shape = new Shape(b, t);
        return new SftBatch(Constants.ints(manager, inputs, shape), Constants.ints(manager, targets, shape),
                Constants.ints(manager, mask, shape), Constants.floats(manager, loss, shape), tokens, supervised,
                Math.max(0, Math.min(shortestPrompt - 1, t - 1)));
    }

    /** Completion tokens in these examples, without building arrays. */
    static long supervisedTokens(List<SftExample> examples) {
        long n = 0;
        for (SftExample e : examples) n += e.completion().length;
        return n;
    }
}
