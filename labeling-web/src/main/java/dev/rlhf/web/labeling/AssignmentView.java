package dev.rlhf.web.labeling;

import dev.rlhf.web.batch.BatchMode;

import java.time.Instant;
import java.util.List;

/**
 * What a labeler sees: the post and the candidate texts in screen order (position 0 = left / "A"), and the batch's
 * instructions (plain text, null when the batch has none). Deliberately without summary ids or policy names.
 */
public record AssignmentView(long assignmentId, BatchMode mode, boolean tiesAllowed, String subreddit, String title,
                             String body, List<String> candidates, Instant leaseExpiresAt, String instructions) {
}
