package dev.rlhf.web.demo;

import java.util.List;

/** A synthetic post with its candidate summaries, each tagged with the "policy" that wrote it. */
public record DemoPost(String sourceId, String subreddit, String title, String body, List<Candidate> candidates) {

    /** One candidate summary; {@code reference} marks the human-written TL;DR. */
    public record Candidate(String policy, String text, boolean reference, String note) {
    }
}
