package dev.rlhf.web.importing;

/** What a file holds: TL;DR posts ({@code id, subreddit, title, post, summary}) or summarize-from-feedback comparisons. */
public enum ImportKind {
    POSTS, COMPARISONS
}
