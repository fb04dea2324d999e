package dev.rlhf.reward;

import java.util.List;

/**
 * The normalisation folded into the head after training, r'(x, y) = gain·(r(x, y) − offset), measured on the
 * reference summaries r_1 … r_n:
 * <ul>
 *   <li>offset = μ = (1/n)·Σ r_i, so the references score 0 on average (Stiennon et al. 2020; the default);</li>
 *   <li>gain = 1 by default; with {@link RewardConfig#normaliseGain()} gain = 1/σ, σ = sqrt((1/n)·Σ (r_i − μ)²) (the
 *       population standard deviation, as Ziegler et al.'s {@code set_reward_norm} with {@code normalize_after}), so
 *       the references' rewards have mean 0 and standard deviation 1.</li>
 * </ul>
 * As r' = g·r + b with bias b = −g·μ, it folds into the head r = w·h + b₀ as w ← g·w and b₀ ← g·b₀ − g·μ
 * ({@link #apply}); a loaded model scores normalised.
 *
 * @param offset         μ, subtracted from every reward before the gain
 * @param gain           g, multiplies every reward after the offset (1 when only the offset is fitted)
 * @param referenceCount how many reference summaries it was measured on
 * @param source         what the references were (e.g. "policy ref in the training comparisons")
 */
public record Normalisation(double offset, double gain, int referenceCount, String source) {

    /** r' = gain·(r − offset). */
    public double normalised(double reward) {
        return gain * (reward - offset);
    }

    /** b in r' = g·r + b: −gain·offset. */
    public double bias() {
        return -gain * offset;
    }

    /**
     * The offset (and, with {@code fitGain}, the gain) for the raw rewards of the references. A gain cannot be fitted
     * when the references all score the same (σ = 0): refused, saying so.
     */
    public static Normalisation fit(double[] rewards, boolean fitGain, String source) {
        int n = rewards.length;
        if (n == 0) throw new IllegalArgumentException("no reference summaries to normalise on");
        double sum = 0;
        for (double r : rewards) sum += r;
        double mean = sum / n;                                                   // μ = (1/n)·Σ r_i
        double gain = 1;
        if (fitGain) {
            double ss = 0;
            for (double r : rewards) ss += (r - mean) * (r - mean);
            double std = Math.sqrt(ss / n);                                      // σ = sqrt((1/n)·Σ (r_i − μ)²)
            if (!(std > 0) || !Double.isFinite(std)) {
                throw new IllegalArgumentException("normaliseGain: cannot fit a gain, the " + n + " reference summar"
                        + (n == 1 ? "y scores " : "ies all score ") + mean + " (standard deviation " + std + ")");
            }
            gain = 1 / std;                                                      // g = 1/σ
        }
        return new Normalisation(mean, gain, n, source);
    }

    /**
     * Scores {@code references}, fits the normalisation ({@link #fit}) and folds it into the model's head: first the
     * gain (w ← g·w, b₀ ← g·b₀, skipped when g = 1), then b₀ ← b₀ − g·μ. Returns it.
     */
    public static Normalisation apply(RewardModel model, RewardScorer scorer, List<RewardScorer.Candidate> references,
                                      String source, boolean fitGain) {
        if (references.isEmpty()) throw new IllegalArgumentException("no reference summaries to normalise on");
        Normalisation n = fit(scorer.score(references), fitGain, source);
        if (n.gain() != 1) model.scaleHead(n.gain());                             // g·r = (g·w)·h + g·b₀
        model.subtractFromBias(n.gain() * n.offset());                            // g·r − g·μ
        return n;
    }
}
