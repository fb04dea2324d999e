package dev.rlhf.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.util.List;

/**
 * What the reward model reads: prompt ++ " " + summary ++ EOS, so the reward is taken at the EOS that closes the
 * summary. A sequence longer than {@code maxLen} loses tokens from the start of the prompt first, then from the end
 * of the summary (the EOS stays).
 */
public final class SequenceEncoder {

    private final Tokenizer tokenizer;
    private final int maxLen;

    public SequenceEncoder(Tokenizer tokenizer, int maxLen) {
        if (maxLen < 2) throw new IllegalArgumentException("maxLen must be at least 2, was " + maxLen);
        this.tokenizer = tokenizer;
        this.maxLen = maxLen;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int[] encode(String prompt, String summary) {
        return join(tokenizer.encode(prompt), tokenizer.encode(" " + summary));
    }

    /** prompt ++ summary ++ EOS, cut to maxLen as described above. */
    int[] join(int[] prompt, int[] summary) {
        int excess = prompt.length + summary.length + 1 - maxLen;
        int cutPrompt = Math.max(0, Math.min(excess, prompt.length));
        int cutSummary = Math.max(0, excess - cutPrompt);
        int p = prompt.length - cutPrompt, s = summary.length - cutSummary;
        int[] seq = new int[p + s + 1];
        System.arraycopy(prompt, cutPrompt, seq, 0, p);
        System.arraycopy(summary, 0, seq, p, s);
        seq[p + s] = tokenizer.eosId();
        return seq;
    }

    /** Every candidate of a preference, the prompt tokenised once. */
    public int[][] encode(Preference p) {
        int[] prompt = tokenizer.encode(p.prompt());
        int[][] seqs = new int[p.size()][];
        for (int i = 0; i < p.size(); i++) seqs[i] = join(prompt, tokenizer.encode(" " + p.candidates().get(i)));
        return seqs;
    }

    /**
     * Right-padded ids [N, T] (padding holds EOS) and mask [N, T] (1 real, 0 padding) in {@code manager}.
     *
     * @return {ids, mask}
     */
    public static NDArray[] batch(List<int[]> seqs, int padId, NDManager manager) {
        int n = seqs.size(), t = 0;
        for (int[] s : seqs) t = Math.max(t, s.length);
        int[] ids = new int[n * t], mask = new int[n * t];
        java.util.Arrays.fill(ids, padId);
        for (int r = 0; r < n; r++) {
            int[] s = seqs.get(r);
            System.arraycopy(s, 0, ids, r * t, s.length);
            java.util.Arrays.fill(mask, r * t, r * t + s.length, 1);
        }
        Shape shape = new Shape(n, t);
        return new NDArray[] {Constants.ints(manager, ids, shape), Constants.ints(manager, mask, shape)};
    }
}
