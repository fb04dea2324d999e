package dev.rlhf.ppo;

import dev.rlhf.lm.data.TldrPost;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Turns TL;DR posts into prompt token ids in the paper's layout, shortening over-long posts to fit. */
public final class Prompts {

    private Prompts() {}

    /**
     * The tokens of each post's {@link TldrPost#prompt()}. A prompt longer than {@code maxTokens} has its post cut at
     * a word boundary (never the SUBREDDIT/TITLE header or the closing "TL;DR:") until it fits, as in Huang et al.
     */
    public static List<int[]> tokenize(List<TldrPost> posts, Tokenizer tokenizer, int maxTokens) {
        List<int[]> out = new ArrayList<>(posts.size());
        for (TldrPost p : posts) out.add(tokenize(p, tokenizer, maxTokens));
        return out;
    }

    public static int[] tokenize(TldrPost post, Tokenizer tokenizer, int maxTokens) {
        int[] ids = tokenizer.encode(post.prompt());
        String body = post.post();
        while (ids.length > maxTokens) {
            if (body.isEmpty()) {
                throw new IllegalArgumentException("post " + post.id() + ": the prompt header alone takes " + ids.length
                        + " tokens, more than maxPromptTokens " + maxTokens);
            }
            int keep = (int) Math.floor(body.length() * Math.min(0.95, (double) maxTokens / ids.length));
            int cut = body.lastIndexOf(' ', keep);
            body = (cut > 0 ? body.substring(0, cut) : body.substring(0, keep)).stripTrailing();
            ids = tokenizer.encode(new TldrPost(post.id(), post.subreddit(), post.title(), body, post.summary()).prompt());
        }
        return ids;
    }
}
