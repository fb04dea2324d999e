package dev.rlhf.reward.eval;

/**
 * One of the ten bins of predicted probability P(A ≻ B) = σ(r_A − r_B): the pairs whose prediction lies in
 * [lower, upper) (the last bin includes 1), their mean prediction and how often A was actually chosen.
 * Both means are null for an empty bin.
 */
public record CalibrationBin(double lower, double upper, long count, Double meanPredicted, Double observed) {
}
