package dev.rlhf.rloo;

import dev.rlhf.lm.metrics.RecordMetrics;

import java.util.Map;

/**
 * What one RLOO iteration reports, named as PPO's metrics are where they mean the same.
 *
 * @param iteration         1-based iteration
 * @param score             mean reward-model score of the batch (before the missing-EOS penalty)
 * @param kl                mean Σ_t log π_old − log π_ref per response
 * @param sequenceReward    mean R = score (after the penalty) − β·KL
 * @param entropy           mean per-token entropy of softmax(logits / τ)
 * @param loss              policy loss, mean over the iteration's optimizer steps
 * @param clipFraction      share of responses whose ratio left [1−ε, 1+ε] (0 for reinforce)
 * @param approxKl          mean (ρ − 1) − log ρ per response, old → new policy
 * @param responseLength    mean tokens per response, up to and including EOS
 * @param eosFraction       share of responses that emitted EOS within the limit
 * @param learningRate      learning rate of the last optimizer step
 * @param gradNorm          global gradient norm (before clipping) of the last optimizer step
 * @param skippedSteps      optimizer steps skipped because the gradient norm was not finite
 * @param generationSeconds sampling
 * @param scoringSeconds    reward, log-probs and advantages
 * @param updateSeconds     the optimizer steps
 */
public record RlooMetrics(int iteration, double score, double kl, double sequenceReward, double entropy, double loss,
                          double clipFraction, double approxKl, double responseLength, double eosFraction,
                          double learningRate, double gradNorm, int skippedSteps, double generationSeconds,
                          double scoringSeconds, double updateSeconds) {

    public double seconds() {
        return generationSeconds + scoringSeconds + updateSeconds;
    }

    /** The iteration's metrics under their {@code rloo/} names (each component in snake case, without the iteration). */
    public Map<String, Double> asMap() {
        return RecordMetrics.asMap(this, "rloo/", "iteration");
    }
}
