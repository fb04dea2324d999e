package dev.rlhf.web.labeling;

/**
 * A labeler's own figures: labels today, median seconds per comparison, agreement with gold answers
 * ({@code goldAgreement} is null while none of their labels has a gold answer), and comparisons skipped.
 */
public record LabelerStats(long labelsToday, long labelsTotal, Double medianSeconds, long goldCompared,
                           Double goldAgreement, long skipsTotal) {
}
