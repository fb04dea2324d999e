package dev.rlhf.ppo;

import dev.rlhf.lm.data.TldrPost;
import dev.rlhf.lm.data.TldrPrompt;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

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
}
