package dev.rlhf.web.review;

import dev.rlhf.web.labeling.SkipReason;

import java.time.Instant;
import java.util.Arrays;

/** One skip: who skipped which comparison of which batch, why, and when. */
public record ReviewedSkip(long skipId, long comparisonId, long batchId, String batchName, long labelerId,
                           String labeler, String reason, String text, Instant createdAt) {

    /** The reason as the labeler read it. */
    public String reasonText() {
        return Arrays.stream(SkipReason.values()).filter(r -> r.code().equals(reason)).map(SkipReason::description)
                .findFirst().orElse(reason);
    }
}
