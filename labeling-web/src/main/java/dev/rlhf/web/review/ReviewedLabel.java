package dev.rlhf.web.review;

import java.time.Instant;
import java.util.List;

/** One flagged or noted label on the review page. */
public record ReviewedLabel(long labelId, long comparisonId, Long batchId, String batchName, long labelerId,
                            String labeler, List<String> flags, String note, Instant createdAt) {
}
