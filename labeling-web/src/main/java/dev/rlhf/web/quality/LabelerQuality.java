package dev.rlhf.web.quality;

/**
 * One labeler's row of the quality dashboard. Agreements are fractions (null where there is nothing to compare):
 * gold (their canonical choice equals the gold answer), labelers (of all pairs of their label and another
 * labeler's label of the same comparison, the fraction with the same canonical choice), researchers (the same
 * against labels by researchers or admins). Ties count as their own answer. Time figures use labels made on
 * the platform (imported labels carry no time).
 */
public record LabelerQuality(long id, String pseudonym, boolean enabled, boolean paused, boolean imported,
                             long labels, long labelsLast7Days, Double labelsPerHour, Double medianSeconds,
                             long goldCompared, Double goldAgreement, long labelerPairs, Double labelerAgreement,
                             long researcherPairs, Double researcherAgreement, boolean flagged, String flagReason) {
}
