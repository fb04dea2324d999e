package dev.rlhf.web.snapshots;

import dev.rlhf.web.quality.LabelAgreement;

import java.util.List;

/**
 * What one label snapshot holds, counted from its frozen labels ({@code label_snapshot_labels}): what was labelled,
 * by whom, ties and flags, confidence, gold agreement and inter-labeler agreement (the quality package's measures on
 * these labels only). Every list is (key, labels) ordered by labels, most first.
 */
public record SnapshotStatistics(LabelSnapshots.Snapshot snapshot, long labels, long comparisons, long posts,
                                 List<Count> subreddits, List<BatchCount> batches, List<Count> modes,
                                 List<Count> splits, List<Count> policyPairs, List<Count> perLabeler,
                                 long ties, long tiesLeftOut, long flaggedLabels, List<Count> flags,
                                 List<Count> confidence, List<Count> sourceConfidence, long goldCompared,
                                 long goldAgreed, LabelAgreement agreement) {

    public record Count(String key, long labels) {}

    public record BatchCount(String batch, String mode, long labels) {}

    public long labelers() {
        return perLabeler.size();
    }

    /** The share of ties among the labels the snapshot's filter matched when it was frozen (ties are not frozen). */
    public Double tieShare() {
        long matched = labels + tiesLeftOut;
        return matched == 0 ? null : (double) (ties + tiesLeftOut) / matched;
    }

    public Double goldAgreement() {
        return goldCompared == 0 ? null : (double) goldAgreed / goldCompared;
    }

    /** Labels per labeler: smallest, median (mean of the middle two for an even count), largest; null when none. */
    public double[] labelsPerLabeler() {
        if (perLabeler.isEmpty()) return null;
        long[] n = perLabeler.stream().mapToLong(Count::labels).sorted().toArray();
        int m = n.length;
        double median = m % 2 == 1 ? n[m / 2] : (n[m / 2 - 1] + n[m / 2]) / 2.0;
        return new double[]{n[0], median, n[m - 1]};
    }
}
