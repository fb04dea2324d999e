package dev.rlhf.reward;

import java.util.Map;
import java.util.Set;

/**
 * How comparisons become training examples (see {@link PreferenceBuilder}).
 *
 * @param minConfidence       labels with a confidence below this are dropped (labels without one are kept); 0: keep all
 * @param lowConfidenceBelow  labels with a confidence below this get {@code lowConfidenceWeight}; 0: no down-weighting
 * @param lowConfidenceWeight the loss weight of such labels (1 = no effect)
 * @param confidenceMargin    margin at confidence 9, falling linearly to 0 at confidence 1: m = M·(c − 1)/8
 * @param excludedPosts       post ids whose comparisons are left out (flagged posts)
 * @param labelerQuality      the caller's quality score per labeler (e.g. agreement with researchers)
 * @param minLabelerQuality   labelers scored below this are left out; labelers without a score are kept
 * @param aggregation         how several labels of one comparison are combined
 * @param bestOfN             what a comparison of more than two summaries trains as
 */
public record PreferenceOptions(int minConfidence, int lowConfidenceBelow, double lowConfidenceWeight,
                                double confidenceMargin, Set<String> excludedPosts, Map<String, Double> labelerQuality,
                                double minLabelerQuality, Aggregation aggregation, BestOfN bestOfN) {

    public PreferenceOptions {
        excludedPosts = Set.copyOf(excludedPosts);
        labelerQuality = Map.copyOf(labelerQuality);
        if (lowConfidenceWeight < 0) throw new IllegalArgumentException("lowConfidenceWeight must be ≥ 0");
        if (aggregation == null || bestOfN == null) throw new IllegalArgumentException("aggregation and bestOfN are required");
    }

    /** Every label as it is: no filter, no weighting, no margin, no aggregation, best-of-4 as a softmax. */
    public static PreferenceOptions defaults() {
        return new PreferenceOptions(0, 0, 1, 0, Set.of(), Map.of(), Double.NEGATIVE_INFINITY,
                Aggregation.NONE, BestOfN.SOFTMAX);
    }

    public PreferenceOptions withMinConfidence(int c) {
        return new PreferenceOptions(c, lowConfidenceBelow, lowConfidenceWeight, confidenceMargin, excludedPosts,
                labelerQuality, minLabelerQuality, aggregation, bestOfN);
    }

    public PreferenceOptions withLowConfidenceWeight(int below, double weight) {
        return new PreferenceOptions(minConfidence, below, weight, confidenceMargin, excludedPosts,
                labelerQuality, minLabelerQuality, aggregation, bestOfN);
    }

    public PreferenceOptions withConfidenceMargin(double m) {
        return new PreferenceOptions(minConfidence, lowConfidenceBelow, lowConfidenceWeight, m, excludedPosts,
                labelerQuality, minLabelerQuality, aggregation, bestOfN);
    }

    public PreferenceOptions withExcludedPosts(Set<String> posts) {
        return new PreferenceOptions(minConfidence, lowConfidenceBelow, lowConfidenceWeight, confidenceMargin, posts,
                labelerQuality, minLabelerQuality, aggregation, bestOfN);
    }

    public PreferenceOptions withLabelerQuality(Map<String, Double> quality, double threshold) {
        return new PreferenceOptions(minConfidence, lowConfidenceBelow, lowConfidenceWeight, confidenceMargin,
                excludedPosts, quality, threshold, aggregation, bestOfN);
    }

    public PreferenceOptions withAggregation(Aggregation a) {
        return new PreferenceOptions(minConfidence, lowConfidenceBelow, lowConfidenceWeight, confidenceMargin,
                excludedPosts, labelerQuality, minLabelerQuality, a, bestOfN);
    }

    public PreferenceOptions withBestOfN(BestOfN b) {
        return new PreferenceOptions(minConfidence, lowConfidenceBelow, lowConfidenceWeight, confidenceMargin,
                excludedPosts, labelerQuality, minLabelerQuality, aggregation, b);
    }
}
