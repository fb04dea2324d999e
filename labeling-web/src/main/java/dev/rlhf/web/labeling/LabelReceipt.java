package dev.rlhf.web.labeling;

/**
 * The stored label as acknowledged to the labeler, in screen terms ({@link ScreenAnswer}): {@code choice} is the
 * screen position of the preferred summary (null for a tie), {@code confidence} the screen scale (pairwise only).
 * The label itself is stored in canonical terms; the receipt never is, so it does not reveal the hidden order. A
 * retried submission with the same key gets the same receipt.
 */
public record LabelReceipt(long labelId, long assignmentId, Integer choice, Integer confidence) {

    static LabelReceipt of(long labelId, long assignmentId, ScreenAnswer answer) {
        return new LabelReceipt(labelId, assignmentId, answer.choice(), answer.confidence());
    }
}
