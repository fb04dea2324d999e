package dev.rlhf.web.active;

/**
 * One candidate comparison of the pool: a post and two of its summaries, A (the lower summary id, canonical position 0)
 * and B (position 1), with the post's reward-model prompt.
 */
public record CandidatePair(long postId, String postSourceId, String prompt, long summaryA, String textA, String policyA,
                            long summaryB, String textB, String policyB) {
}
