package dev.rlhf.lm.formats;

/**
 * One post of the TL;DR data set in the summarize-from-feedback jsonl format:
 * {@code {"id","subreddit","title","post","summary"}}. The summary is the author's own TL;DR (the reference).
 */
public record TldrPost(String id, String subreddit, String title, String post, String summary) {

    /**
     * The prompt the policy completes, in the layout of Stiennon et al. (2020):
     * {@code SUBREDDIT: r/…\nTITLE: …\nPOST: …\nTL;DR:}. The completion is a space and the summary.
     */
    public String prompt() {
        return "SUBREDDIT: r/" + subreddit + "\nTITLE: " + title + "\nPOST: " + post + "\nTL;DR:";
    }

    /** The SFT target for this post: a leading space, then the reference summary. */
    public String completion() {
        return " " + summary;
    }
}
