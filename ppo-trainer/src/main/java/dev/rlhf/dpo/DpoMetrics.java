package dev.rlhf.dpo;

import dev.rlhf.lm.metrics.RecordMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One DPO optimizer step, with TRL's metric names (under {@code dpo/}); the implicit rewards are β·(log π − log π_ref)
 * of the responses, averaged over the step's pairs.
 *
 * @param step             1-based optimizer step
 * @param loss             mean loss over the pairs
 * @param rewardsChosen    mean implicit reward of the chosen responses
 * @param rewardsRejected  mean implicit reward of the rejected responses
 * @param rewardsAccuracy  fraction of pairs whose chosen response has the higher implicit reward
 * @param rewardsMargin    mean of chosen − rejected implicit reward
 * @param logpsChosen      mean log π(y_w|x) (summed over the response; per-token mean for ipo)
 * @param logpsRejected    mean log π(y_l|x)
 * @param learningRate     learning rate of this step
 * @param gradNorm         global gradient norm before clipping
 * @param skippedSteps     steps so far whose gradient norm was not finite (no update applied)
 * @param tokensPerSecond  tokens the policy read / wall time of the step
 */
public record DpoMetrics(int step, double loss, double rewardsChosen, double rewardsRejected, double rewardsAccuracy,
                         double rewardsMargin, double logpsChosen, double logpsRejected, double learningRate,
                         double gradNorm, int skippedSteps, double tokensPerSecond) {

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("dpo/loss", loss);
        m.put("dpo/rewards/chosen", rewardsChosen);
        m.put("dpo/rewards/rejected", rewardsRejected);
        m.put("dpo/rewards/accuracies", rewardsAccuracy);
        m.put("dpo/rewards/margins", rewardsMargin);
        m.put("dpo/logps/chosen", logpsChosen);
        m.put("dpo/logps/rejected", logpsRejected);
        m.put("dpo/learning_rate", learningRate);
        m.put("dpo/grad_norm", gradNorm);
        m.put("dpo/skipped_steps", (double) skippedSteps);
        m.put("dpo/tokens_per_second", tokensPerSecond);
        return m;
    }

    /**
     * The implicit reward on held-out pairs: the fraction ranked as the labelers did, the mean margin and the mean loss.
     */
    public record Validation(int pairs, double accuracy, double margin, double loss) {
        /** Each component in snake case under {@code dpo/validation/}. */
        public Map<String, Double> asMap() {
            return RecordMetrics.asMap(this, "dpo/validation/");
        }
    }
}
