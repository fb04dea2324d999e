package dev.rlhf.web.quality;

/**
 * Agreement among labelers within one batch: pairwise agreement (fraction of pairs of labels of the same
 * comparison with the same canonical choice) and Krippendorff's nominal alpha over the canonical choice, with
 * a tie as a category of its own. Only labels by labelers count; researchers' labels are compared separately.
 */
public record BatchAgreement(long batchId, String batch, long labels, long comparisonsWithOverlap, long pairs,
                             Double pairwiseAgreement, Double alpha) {
}
