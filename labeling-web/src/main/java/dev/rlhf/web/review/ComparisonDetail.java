package dev.rlhf.web.review;

import java.time.Instant;
import java.util.List;

/**
 * One comparison as an admin reviews it: the post (the prompt), the responses in canonical order with their policies,
 * the gold answer if it has one, every label with its answer, flags, note and labeler, and every skip.
 */
public record ComparisonDetail(long id, Long batchId, String batchName, String mode, String split, boolean gold,
                               String sourceId, String subreddit, String title, String body, List<Response> responses,
                               String goldAnswer, List<Label> labels, List<ReviewedSkip> skips) {

    /** A response at its canonical position (0 first). */
    public record Response(int position, String policy, String text) {
        /** Its name on the page: "Response 1" for position 0. */
        public String name() {
            return "Response " + (position + 1);
        }
    }

    public record Label(long id, long labelerId, String labeler, String answer, List<String> flags, String note,
                        int secondsSpent, boolean imported, Instant createdAt) {
    }

    /**
     * An answer in canonical terms, in words: best-of-4 "Response 3 best"; pairwise "Response 1 better (confidence
     * 2 of 9)" (confidence 1 = response 1 definitely better … 9 = response 2 definitely better), or a tie.
     */
    static String answer(int candidates, Integer choice, Integer confidence) {
        String scale = confidence == null ? "" : " (confidence " + confidence + " of 9)";
        if (choice == null) {
            return "tie" + scale;
        }
        return "Response " + (choice + 1) + (candidates == 2 ? " better" : " best") + scale;
    }
}
