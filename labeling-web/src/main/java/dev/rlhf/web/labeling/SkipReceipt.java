package dev.rlhf.web.labeling;

/**
 * The answer to a skip: the stored skip and the labeler's next assignment ({@code null} when there is no work left
 * for them). A retried skip of the same assignment answers the skip stored first.
 */
public record SkipReceipt(long skipId, long assignmentId, String reason, String text, AssignmentView next) {
}
