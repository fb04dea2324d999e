package dev.rlhf.rloo;

import java.util.LinkedHashMap;
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

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rloo/score", score);
        m.put("rloo/kl", kl);
        m.put("rloo/sequence_reward", sequenceReward);
        m.put("rloo/entropy", entropy);
        m.put("rloo/loss", loss);
        m.put("rloo/clip_fraction", clipFraction);
        m.put("rloo/approx_kl", approxKl);
        m.put("rloo/response_length", responseLength);
        m.put("rloo/eos_fraction", eosFraction);
        m.put("rloo/learning_rate", learningRate);
        m.put("rloo/grad_norm", gradNorm);
        m.put("rloo/skipped_steps", (double) skippedSteps);
        m.put("rloo/generation_seconds", generationSeconds);
        m.put("rloo/scoring_seconds", scoringSeconds);
        m.put("rloo/update_seconds", updateSeconds);
        return m;
    }
}
