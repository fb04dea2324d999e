package dev.rlhf.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.formats.TldrPrompt;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.util.List;

/**
 * What the reward model reads: prompt ++ " " + summary ++ EOS, so the reward is taken at the EOS that closes the
 * summary. The whole summary and EOS always stay; a sequence longer than {@code maxLen} is fitted by trimming the
 * post body of the prompt at a word boundary ({@link TldrPrompt}, the rule of SFT and PPO too), keeping its
 * SUBREDDIT/TITLE header and TL;DR cue.
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

    /** One candidate: the prompt fitted to the room its summary leaves. */
    public int[] encode(String prompt, String summary) {
        int[] s = tokenizer.encode(" " + summary);
        return join(fit(prompt, s.length, "a prompt"), s);
    }

    /** Every candidate of a preference after one prompt, fitted to the room the longest summary leaves. */
    public int[][] encode(Preference p) {
        int[][] summaries = new int[p.size()][];
        int longest = 0;
        for (int i = 0; i < p.size(); i++) {
            summaries[i] = tokenizer.encode(" " + p.candidates().get(i));
            longest = Math.max(longest, summaries[i].length);
        }
        int[] prompt = fit(p.prompt(), longest, "post " + p.postId());
        int[][] seqs = new int[p.size()][];
        for (int i = 0; i < p.size(); i++) seqs[i] = join(prompt, summaries[i]);
        return seqs;
    }

    /** The prompt's tokens, at most maxLen − summary − 1 (EOS). */
    private int[] fit(String prompt, int summaryTokens, String what) {
        return TldrPrompt.encode(prompt, tokenizer, maxLen - summaryTokens - 1,
                what + " (summary of " + summaryTokens + " tokens + EOS, maxLen " + maxLen + ")");
    }

    /** prompt ++ summary ++ EOS. */
    private int[] join(int[] prompt, int[] summary) {
        int[] seq = new int[prompt.length + summary.length + 1];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(summary, 0, seq, prompt.length, summary.length);
        seq[prompt.length + summary.length] = tokenizer.eosId();
        return seq;
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
