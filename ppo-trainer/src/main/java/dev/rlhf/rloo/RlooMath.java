package dev.rlhf.rloo;

import ai.djl.ndarray.NDArray;
import dev.rlhf.ppo.PpoMath;

/**
 * The RLOO formulas (Ahmadian et al., 2024). Rows come in groups of k consecutive samples of one prompt.
 */
public final class RlooMath {

    private RlooMath() {}

    /** R_i = score_i − β·KL_i: the KL penalty to the reference folded into the sequence reward. */
    public static double[] sequenceRewards(float[] scores, double[] kl, double beta) {
        double[] r = new double[scores.length];
        for (int i = 0; i < r.length; i++) r[i] = scores[i] - beta * kl[i];
        return r;
    }

    /** A_i = R_i − (Σ_{j≠i} R_j) / (k − 1) over the k samples of the same prompt: the leave-one-out baseline. */
    public static double[] leaveOneOutAdvantages(double[] rewards, int k) {
        if (rewards.length % k != 0) throw new IllegalArgumentException(rewards.length + " rewards are not groups of " + k);
        double[] a = new double[rewards.length];
        for (int g = 0; g < rewards.length; g += k) {
            double sum = 0;
            for (int j = g; j < g + k; j++) sum += rewards[j];
            for (int i = g; i < g + k; i++) a[i] = rewards[i] - (sum - rewards[i]) / (k - 1);
        }
        return a;
    }

    /** REINFORCE with the baseline: mean_i(−A_i · log π(y_i|x_i)), log π summed over each response. [rows] each. */
    public static NDArray reinforceLoss(NDArray sequenceLogProbs, NDArray advantages) {
        return advantages.neg().mul(sequenceLogProbs).mean();
    }

    /**
     * PPO's clipped surrogate on whole responses: mean_i max(−A_i·ρ_i, −A_i·clip(ρ_i, 1−ε, 1+ε)),
     * ρ_i = π(y_i|x_i) / π_old(y_i|x_i). [rows] each.
     */
    public static NDArray clippedLoss(NDArray sequenceLogProbs, NDArray oldSequenceLogProbs, NDArray advantages,
                                      double clip) {
        NDArray ones = sequenceLogProbs.onesLike();
        return PpoMath.policyLoss(sequenceLogProbs, oldSequenceLogProbs, advantages, ones, clip);
    }

}
