package dev.rlhf.web.labeling;

import java.util.List;

/**
 * A labeler's answer as sent from the screen: {@code confidence} (pairwise, screen scale 1-9) or
 * {@code choice} (best-of-4, screen position 0-3), optional flags and note, and the idempotency key.
 */
public record LabelSubmission(Long assignmentId, String idempotencyKey, Integer confidence, Integer choice,
                              List<String> flags, String note) {
}
