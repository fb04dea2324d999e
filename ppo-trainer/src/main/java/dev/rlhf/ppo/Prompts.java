package dev.rlhf.ppo;

import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrPrompt;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Turns TL;DR posts into prompt token ids in the paper's layout, shortening over-long posts to fit. */
public final class Prompts {

    private Prompts() {}

    /**
     * The tokens of each post's {@link TldrPost#prompt()}, at most {@code maxTokens}: a longer post loses its last words
     * ({@link TldrPrompt}, the rule SFT and the reward model use too).
     */
    public static List<int[]> tokenize(List<TldrPost> posts, Tokenizer tokenizer, int maxTokens) {
        List<int[]> out = new ArrayList<>(posts.size());
        for (TldrPost p : posts) out.add(tokenize(p, tokenizer, maxTokens));
        return out;
    }

    public static int[] tokenize(TldrPost post, Tokenizer tokenizer, int maxTokens) {
        return TldrPrompt.encode(post.prompt(), tokenizer, maxTokens, "post " + post.id() + " (maxPromptTokens " + maxTokens + ")");
    }

    /**
     * {@code n} prompts drawn with {@code seed}: without replacement (a partial Fisher–Yates shuffle), and with
     * replacement for the rows beyond the number of prompts.
     */
    public static int[][] draw(List<int[]> prompts, int n, long seed) {
        Random rng = new Random(seed);
        int total = prompts.size();
        int[] idx = new int[total];
        for (int i = 0; i < total; i++) idx[i] = i;
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            int pick;
            if (i < total) {
                int j = i + rng.nextInt(total - i);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
                pick = idx[i];
            } else {
                pick = rng.nextInt(total);
            }
            out[i] = prompts.get(pick);
        }
        return out;
    }
}
