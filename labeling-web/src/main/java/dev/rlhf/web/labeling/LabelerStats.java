package dev.rlhf.web.labeling;

/**
 * A labeler's own figures: labels today, median seconds per comparison, and agreement with gold answers
 * ({@code goldAgreement} is null while none of their labels has a gold answer).
 */
public record LabelerStats(long labelsToday, long labelsTotal, Double medianSeconds, long goldCompared,
                           Double goldAgreement) {
}
