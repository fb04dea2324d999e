package dev.rlhf.lm;

import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrPrompt;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One supervised example: the model reads {@code prompt} and learns to continue it with {@code completion}. */
public record SftExample(int[] prompt, int[] completion) {

    public SftExample {
        if (prompt.length == 0) throw new IllegalArgumentException("prompt must hold at least one token");
        if (completion.length == 0) throw new IllegalArgumentException("completion must hold at least one token");
    }

    /**
     * A TL;DR post as the paper trains on it: the prompt, then {@code " " + summary} and EOS as the completion, the
     * whole sequence at most {@code nPositions} + 1 tokens (the model reads all but the last). The summary is kept
     * whole and a long post loses the last words of its body ({@link TldrPrompt}); a summary that leaves no room for
     * the header is refused, naming the post.
     */
    public static SftExample ofPost(TldrPost post, Tokenizer tokenizer, int nPositions) {
        int[] completion = completion(post, tokenizer);
        return new SftExample(TldrPrompt.encode(post.prompt(), tokenizer, nPositions + 1 - completion.length,
                "post " + post.id() + " (summary of " + completion.length + " tokens with EOS, n_positions " + nPositions + ")"),
                completion);
    }

    /**
     * The posts that fit the context as examples ({@link #ofPost}); a post whose header, cue and whole summary alone
     * take more than {@code nPositions} + 1 tokens cannot be trained on as laid out and is left out, its id added to
     * {@code leftOut} (as the paper kept only posts that fit its context).
     */
    public static List<SftExample> ofPosts(List<TldrPost> posts, Tokenizer tokenizer, int nPositions, List<String> leftOut) {
        List<SftExample> out = new ArrayList<>(posts.size());
        for (TldrPost p : posts) {
            int room = nPositions + 1 - completion(p, tokenizer).length;
            if (TldrPrompt.fits(p.prompt(), tokenizer, room)) out.add(ofPost(p, tokenizer, nPositions));
            else leftOut.add(p.id());
        }
        return out;
    }

    /** " " + summary, then EOS. */
    private static int[] completion(TldrPost post, Tokenizer tokenizer) {
        int[] summary = tokenizer.encode(post.completion());
        int[] completion = Arrays.copyOf(summary, summary.length + 1);
        completion[summary.length] = tokenizer.eosId();
        return completion;
    }
}
