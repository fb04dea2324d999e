package dev.rlhf.ppo;

import dev.rlhf.lm.CausalLm;

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
    /**
     * Refuses what no policy-gradient trainer can sample from: no prompts, an empty prompt, a longest prompt that
     * leaves no room for {@code responseLength} tokens in the context of any of {@code models}, and a reference whose
     * vocabulary is not the policy's.
     */
    public static void checkFit(List<int[]> prompts, int responseLength, CausalLm policy, CausalLm reference,
                                CausalLm... others) {
        if (prompts.isEmpty()) throw new IllegalArgumentException("no prompts");
        if (prompts.stream().anyMatch(p -> p.length == 0)) throw new IllegalArgumentException("a prompt is empty");
        int maxPrompt = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        List<CausalLm> models = new ArrayList<>(List.of(policy, reference));
        models.addAll(List.of(others));
        for (CausalLm m : models) {
            if (maxPrompt + responseLength > m.config().max_position_embeddings()) {
                throw new IllegalArgumentException("longest prompt (" + maxPrompt + " tokens) + responseLength ("
                        + responseLength + ") exceeds n_positions " + m.config().max_position_embeddings()
                        + "; lower maxPromptTokens or responseLength");
            }
        }
        if (reference.config().vocab_size() != policy.config().vocab_size()) {
            throw new IllegalArgumentException("reference vocabulary " + reference.config().vocab_size()
                    + " differs from the policy's " + policy.config().vocab_size());
        }
    }

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
