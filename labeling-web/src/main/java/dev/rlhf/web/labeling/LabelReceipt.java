package dev.rlhf.web.labeling;

/** The stored label as acknowledged; a retried submission with the same key gets the same receipt. */
public record LabelReceipt(long labelId, long assignmentId, Integer choice, Integer confidence) {
}
