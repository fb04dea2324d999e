package dev.rlhf.web.labeling;

/**
 * The answer of {@code POST /api/labeling/labels-and-next}: the stored label and the labeler's next assignment
 * ({@code null} when there is no work left for them). A retry with the same idempotency key gets the same label
 * and the same next assignment (the labeler's current one, as long as its lease runs).
 */
public record LabelAndNext(LabelReceipt label, AssignmentView next) {
}
