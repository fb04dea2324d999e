package dev.rlhf.lm.formats;


/** The {@code info} object of a comparison: the post the summaries summarise. */
public record PostInfo(String id, String post, String title, String subreddit) {

    public PostInfo {
        if (id == null || id.isEmpty()) throw new IllegalArgumentException("post id is empty");
        if (post == null) throw new IllegalArgumentException("post text is missing");
    }

    /** The reward model's prompt, in the same TL;DR layout as SFT and the policy use. */
    public String prompt() {
        return new TldrPost(id, subreddit == null ? "" : subreddit, title == null ? "" : title, post, "").prompt();
    }
}
