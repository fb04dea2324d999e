package dev.rlhf.ppo;

import dev.rlhf.lm.metrics.RecordMetrics;

/**
 * What one PPO iteration reports.
 *
 * @param iteration         1-based iteration
 * @param score             mean reward-model score r(x, y) of the batch (before the missing-EOS penalty)
 * @param kl                mean KL to the reference per response, Σ_t log π(a_t|s_t) − log π_ref(a_t|s_t)
 * @param totalReward       mean Σ_t r_t per response: the score (after the penalty) − β·KL
 * @param entropy           mean per-token entropy of the sampling distribution softmax(logits / τ)
 * @param policyLoss        clipped surrogate loss, mean over all minibatches of all epochs
 * @param valueLoss         clipped value loss, mean over all minibatches of all epochs
 * @param clipFraction      share of tokens whose ratio left [1−ε, 1+ε], over all minibatches
 * @param approxKl          mean of (ρ − 1) − log ρ over all minibatches (old → new policy)
 * @param explainedVariance 1 − Var(R − V_old) / Var(R)
 * @param responseLength    mean tokens per response, up to and including EOS
 * @param eosFraction       share of responses that emitted EOS within the limit
 * @param beta              β used in this iteration's rewards
 * @param learningRate      learning rate of the iteration's last optimizer step
 * @param gradNorm          global gradient norm (before clipping) of the last optimizer step
 * @param skippedSteps      optimizer steps skipped because the gradient norm was not finite (should stay 0)
 * @param tokensPerSecond   response tokens generated / iteration wall time
 * @param generationSeconds sampling the responses
 * @param scoringSeconds    reward, log-probs, values, rewards and advantages
 * @param updateSeconds     the PPO epochs
 */
public record PpoMetrics(
        int iteration,
        double score,
        double kl,
        double totalReward,
        double entropy,
        double policyLoss,
        double valueLoss,
        double clipFraction,
        double approxKl,
        double explainedVariance,
        double responseLength,
        double eosFraction,
        double beta,
        double learningRate,
        double gradNorm,
        int skippedSteps,
        double tokensPerSecond,
        double generationSeconds,
        double scoringSeconds,
        double updateSeconds) {

    /**
     * The iteration's metrics under their {@code ppo/} names (each component in snake case, without the iteration), as
     * every sink and the web store them.
     */
    public java.util.Map<String, Double> asMap() {
        return RecordMetrics.asMap(this, "ppo/", "iteration");
    }

    public double seconds() {
        return generationSeconds + scoringSeconds + updateSeconds;
    }

    /** The same metrics with the wall-clock fields zeroed (for comparing two runs). */
    public PpoMetrics withoutTimings() {
        return new PpoMetrics(iteration, score, kl, totalReward, entropy, policyLoss, valueLoss, clipFraction, approxKl,
                explainedVariance, responseLength, eosFraction, beta, learningRate, gradNorm, skippedSteps, 0, 0, 0, 0);
    }
}
