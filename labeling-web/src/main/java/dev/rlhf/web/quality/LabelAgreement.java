package dev.rlhf.web.quality;

/**
 * Agreement among labelers over a set of labels (a batch, a label snapshot): labels by labelers, comparisons with at
 * least two of them, pairs of labels of the same comparison, how many of those pairs agree (same canonical choice, a
 * tie its own answer), their fraction, and Krippendorff's nominal alpha ({@link KrippendorffAlpha}); null where
 * nothing can be compared.
 */
public record LabelAgreement(long labels, long comparisonsWithOverlap, long pairs, long agreeingPairs,
                             Double pairwiseAgreement, Double alpha) {
}
