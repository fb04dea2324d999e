package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import dev.rlhf.lm.Constants;

/**
 * The PPO formulas, each in one small function so the trainer reads as the algorithm and the tests can check each
 * against hand-computed values. Per-token arrays are [rows][responseLength]; a row's real tokens are its first
 * {@code lengths[r]} (up to and including EOS); the positions after them are padding and hold 0.
 */
public final class PpoMath {

    private PpoMath() {}

    /** A response with no EOS within the limit gets {@code penalty} instead of its score (the EOS trick). */
    public static float[] applyMissingEosPenalty(float[] scores, boolean[] hasEos, double penalty) {
        if (scores.length != hasEos.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + hasEos.length + " responses");
        }
        float[] out = scores.clone();
        for (int r = 0; r < out.length; r++) if (!hasEos[r]) out[r] = (float) penalty;
        return out;
    }

    /**
     * Per-token rewards: r_t = −β·(log π(a_t|s_t) − log π_ref(a_t|s_t)), plus the score on the last real token.
     */
    public static float[][] shapedRewards(float[][] logProbs, float[][] refLogProbs, float[] scores, int[] lengths,
                                          double beta) {
        int rows = logProbs.length, n = logProbs[0].length;
        float[][] rewards = new float[rows][n];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < lengths[r]; t++) {
                rewards[r][t] = (float) (-beta * (logProbs[r][t] - refLogProbs[r][t])); // −β·(log π − log π_ref)
            }
            rewards[r][lengths[r] - 1] += scores[r];                                      // + r(x, y) at the end
        }
        return rewards;
    }

    /** KL(π‖π_ref) of each response, estimated on its own tokens: Σ_t (log π(a_t|s_t) − log π_ref(a_t|s_t)). */
    public static double[] sequenceKl(float[][] logProbs, float[][] refLogProbs, int[] lengths) {
        double[] kl = new double[logProbs.length];
        for (int r = 0; r < kl.length; r++) {
            for (int t = 0; t < lengths[r]; t++) kl[r] += logProbs[r][t] - refLogProbs[r][t];
        }
        return kl;
    }

    /** Σ_r Σ_{t < lengths[r]} x[r][t]: a per-token quantity summed over each row's real tokens. */
    public static double sumOverTokens(float[][] x, int[] lengths) {
        double sum = 0;
        for (int r = 0; r < x.length; r++) {
            for (int t = 0; t < lengths[r]; t++) sum += x[r][t];
        }
        return sum;
    }

    /**
     * Generalised advantage estimation (Schulman et al., 2016), backwards over each row's real tokens:
     * δ_t = r_t + γ·V_{t+1} − V_t (V after the last real token is 0), A_t = δ_t + γλ·A_{t+1}.
     * Returns {advantages, returns} with returns R_t = A_t + V_t; padding positions are 0 in both.
     */
    public static float[][][] gae(float[][] rewards, float[][] values, int[] lengths, double gamma, double lambda) {
        int rows = rewards.length, n = rewards[0].length;
        float[][] adv = new float[rows][n], ret = new float[rows][n];
        for (int r = 0; r < rows; r++) {
            double last = 0;
            for (int t = lengths[r] - 1; t >= 0; t--) {
                double nextValue = t + 1 < lengths[r] ? values[r][t + 1] : 0;
                double delta = rewards[r][t] + gamma * nextValue - values[r][t]; // δ_t = r_t + γV_{t+1} − V_t
                last = delta + gamma * lambda * last;                             // A_t = δ_t + γλA_{t+1}
                adv[r][t] = (float) last;
                ret[r][t] = (float) (last + values[r][t]);                       // R_t = A_t + V_t
            }
        }
        return new float[][][] {adv, ret};
    }

    /**
     * Whitening over the real tokens of the whole batch: (x − mean) / sqrt(var + 1e-8), var the unbiased sample
     * variance; padding stays 0.
     */
    public static float[][] whiten(float[][] x, int[] lengths) {
        return whiten(x, lengths, true);
    }

    /**
     * Whitening over the real tokens of the whole batch: (x − mean) / sqrt(var + 1e-8), var the unbiased sample
     * variance, and with {@code shiftMean} false the mean added back, (x − mean) / sqrt(var + 1e-8) + mean (the scale
     * is normalised, the mean kept: {@code whiten(values, shift_mean=False)} of Ziegler et al.'s code, used for the
     * rewards); padding stays 0.
     */
    public static float[][] whiten(float[][] x, int[] lengths, boolean shiftMean) {
        double sum = 0;
        long count = 0;
        for (int r = 0; r < x.length; r++) for (int t = 0; t < lengths[r]; t++, count++) sum += x[r][t];
        double mean = sum / count, ss = 0;
        for (int r = 0; r < x.length; r++) for (int t = 0; t < lengths[r]; t++) ss += (x[r][t] - mean) * (x[r][t] - mean);
        double var = count > 1 ? ss / (count - 1) : 0;
        double inv = 1 / Math.sqrt(var + 1e-8);
        float[][] out = new float[x.length][x[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int t = 0; t < lengths[r]; t++) {
                double w = (x[r][t] - mean) * inv;                                     // (x − mean) / sqrt(var + 1e-8)
                out[r][t] = (float) (shiftMean ? w : w + mean);                      // … + mean when the mean is kept
            }
        }
        return out;
    }

    /** 1 − Var(R − V) / Var(R) over the real tokens: how much of the returns the value network explains. */
    public static double explainedVariance(float[][] values, float[][] returns, int[] lengths) {
        double sr = 0, sd = 0;
        long n = 0;
        for (int r = 0; r < values.length; r++) {
            for (int t = 0; t < lengths[r]; t++, n++) {
                sr += returns[r][t];
                sd += returns[r][t] - values[r][t];
            }
        }
        double mr = sr / n, md = sd / n, vr = 0, vd = 0;
        for (int r = 0; r < values.length; r++) {
            for (int t = 0; t < lengths[r]; t++) {
                double d = returns[r][t] - values[r][t];
                vr += (returns[r][t] - mr) * (returns[r][t] - mr);
                vd += (d - md) * (d - md);
            }
        }
        return vr == 0 ? Double.NaN : 1 - vd / vr;
    }

    /**
     * The clipped surrogate (Schulman et al., 2017) as a loss, averaged over the real tokens:
     * mean(max(−A·ρ, −A·clip(ρ, 1−ε, 1+ε))), ρ = exp(log π − log π_old). All arrays [rows, T]; mask 1/0.
     */
    public static NDArray policyLoss(NDArray logProbs, NDArray oldLogProbs, NDArray advantages, NDArray mask,
                                     double clip) {
        NDArray ratio = logProbs.sub(oldLogProbs).exp();                               // ρ = π / π_old
        NDArray unclipped = advantages.neg().mul(ratio);                               // −A·ρ
        NDArray clipped = advantages.neg().mul(ratio.clip((float) (1 - clip), (float) (1 + clip)));        // −A·clip(ρ, 1−ε, 1+ε)
        return maskedMean(unclipped.maximum(clipped), mask);
    }

    /**
     * The clipped value loss, averaged over the real tokens: ½·mean(max((V − R)², (V_clip − R)²)) with
     * V_clip = V_old + clip(V − V_old, −ε_v, ε_v).
     */
    public static NDArray valueLoss(NDArray values, NDArray oldValues, NDArray returns, NDArray mask, double clip) {
        NDArray vClipped = oldValues.add(values.sub(oldValues).clip((float) -clip, (float) clip));     // V_old + clip(V − V_old)
        NDArray unclipped = values.sub(returns).square();                              // (V − R)²
        NDArray clipped = vClipped.sub(returns).square();                              // (V_clip − R)²
        NDArray mean = maskedMean(unclipped.maximum(clipped), mask);
        return mean.mul(Constants.scalar(mean, 0.5));
    }

    /** Σ x·mask / Σ mask. */
    public static NDArray maskedMean(NDArray x, NDArray mask) {
        return x.mul(mask).sum().div(mask.sum());
    }

    /**
     * The seed of one random draw ({@code kind}: prompts, sampling, minibatch order, ...) of iteration {@code it}:
     * a function of the run's seed and the iteration alone, so a run resumed from a checkpoint repeats the draws of
     * one that never stopped.
     */
    public static long iterationSeed(long runSeed, int it, int kind) {
        return new java.util.SplittableRandom(runSeed * 0x9E3779B97F4A7C15L + it * 31L + kind).nextLong();
    }

    /** The mean of {@code x}; 0 when it is empty. */
    public static double mean(double[] x) {
        return java.util.Arrays.stream(x).average().orElse(0);
    }

    /** Copies the rows of {@code flat} ([rows × n], row-major) into {@code dst[from ...]}. */
    public static void copyRows(float[] flat, float[][] dst, int from, int n) {
        for (int i = 0; i < flat.length / n; i++) System.arraycopy(flat, i * n, dst[from + i], 0, n);
    }
}
