package dev.rlhf.lm.formats;

import dev.rlhf.lm.tokenizer.Tokenizer;

/**
 * The one rule for a TL;DR prompt that is too long, used by SFT, the reward model, PPO, sampling and evaluation: the
 * post body is trimmed from its end at a word boundary until the prompt fits, and the header
 * ({@code SUBREDDIT: r/…\nTITLE: …\nPOST: }) and the closing {@code \nTL;DR:} cue always stay, as Stiennon et al.
 * (2020) and Huang et al. (2024) shortened long posts. The summary is never cut: the callers give the prompt whatever
 * room the whole summary leaves.
 */
public final class TldrPrompt {

    private static final String POST = "\nPOST: ";
    private static final String CUE = "\nTL;DR:";

    private TldrPrompt() {}

    /**
     * The tokens of {@code prompt} (a {@link TldrPost#prompt()}), at most {@code maxTokens} of them: when it is longer,
     * the body between {@code POST: } and the cue keeps as many of its first words as fit (a binary search over the
     * word boundaries, each candidate tokenised whole, so a BPE merge across the cut is counted). A prompt not in
     * that layout is all body. The prompt is encoded as transformers encodes it by default
     * ({@link Tokenizer#encodeWithSpecialTokens}: Llama's BOS first; nothing for GPT-2 or the byte-level tokenizer),
     * and those tokens count towards {@code maxTokens}.
     *
     * @param what names the post in the error, e.g. {@code "post abc"}
     * @throws IllegalArgumentException when the header and the cue alone take more than {@code maxTokens}
     */
    public static int[] encode(String prompt, Tokenizer tokenizer, int maxTokens, String what) {
        int[] ids = tokenizer.encodeWithSpecialTokens(prompt);
        if (ids.length <= maxTokens) return ids;
        Parts p = Parts.of(prompt);
        String head = p.head(), body = p.body(), tail = p.tail();
        java.util.List<Integer> cuts = new java.util.ArrayList<>(java.util.List.of(0)); // body[0, cut): whole words
        for (int i = 1; i < body.length(); i++) {
            if (Character.isWhitespace(body.charAt(i)) && !Character.isWhitespace(body.charAt(i - 1))) cuts.add(i);
        }
        int[] best = tokenizer.encodeWithSpecialTokens(head + tail);
        if (best.length > maxTokens) {
            throw new IllegalArgumentException(what + ": the prompt's header and TL;DR cue alone take " + best.length
                    + " tokens, more than the " + maxTokens + " it may have");
        }
        int lo = 0, hi = cuts.size() - 1;                 // cuts[lo] fits; the whole body does not
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int[] candidate = tokenizer.encodeWithSpecialTokens(head + body.substring(0, cuts.get(mid)) + tail);
            if (candidate.length <= maxTokens) {
                lo = mid;
                best = candidate;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    /** Whether {@code prompt} fits in {@code maxTokens} once its body is trimmed: its header and cue alone do. */
    public static boolean fits(String prompt, Tokenizer tokenizer, int maxTokens) {
        Parts p = Parts.of(prompt);
        return tokenizer.encodeWithSpecialTokens(p.head() + p.tail()).length <= maxTokens;
    }

    /** A prompt split into header ({@code …POST: }), body and cue ({@code \nTL;DR:}); not in the layout: all body. */
    private record Parts(String head, String body, String tail) {
        static Parts of(String prompt) {
            int open = prompt.indexOf(POST), close = prompt.lastIndexOf(CUE);
            if (open < 0 || close < open + POST.length()) return new Parts("", prompt, "");
            return new Parts(prompt.substring(0, open + POST.length()), prompt.substring(open + POST.length(), close),
                    prompt.substring(close));
        }
    }
}
