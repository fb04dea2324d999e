package dev.rlhf.web.batch;

import java.math.BigDecimal;
import java.util.List;

/**
 * What an admin asks for: a named batch over the given posts (source ids), whose candidates come from the
 * given summary sources (policy names, or {@code reference} for reference summaries), 2-way or best-of-4,
 * K labels per comparison, ties or not, a share of gold comparisons, a priority and optional instructions for the
 * labelers (plain text, at most {@link BatchInstructions#MAX_LENGTH} characters).
 */
public record BatchSpec(String name, BatchMode mode, Integer overlapK, Boolean tiesAllowed, BigDecimal goldRate,
                        Integer priority, List<String> posts, List<String> sources, String instructions) {
    public static final String REFERENCE = "reference";

    /** A spec without instructions. */
    public BatchSpec(String name, BatchMode mode, Integer overlapK, Boolean tiesAllowed, BigDecimal goldRate,
                     Integer priority, List<String> posts, List<String> sources) {
        this(name, mode, overlapK, tiesAllowed, goldRate, priority, posts, sources, null);
    }
}
