package dev.rlhf.reward;

import dev.rlhf.lm.metrics.RecordMetrics;

/**
 * Progress after one optimizer step of reward-model training.
 *
 * @param step            1-based optimizer step
 * @param totalSteps      steps planned
 * @param epoch           1-based epoch
 * @param loss            weighted mean preference loss of the step
 * @param accuracy        fraction of the step's examples whose chosen candidate scored highest
 * @param learningRate    learning rate used
 * @param gradNorm        global gradient norm before clipping
 * @param examples        examples in the step
 * @param tokens          real tokens read in the step
 * @param pairsPerSecond  examples / wall time of the step
 * @param tokensPerSecond tokens / wall time of the step
 */
public record RewardProgress(int step, int totalSteps, int epoch, double loss, double accuracy, double learningRate,
                             double gradNorm, int examples, long tokens, double pairsPerSecond,
                             double tokensPerSecond) {

    /** The step's metrics under their {@code reward/} names, as every sink and the web store them. */
    public java.util.Map<String, Double> asMap() {
        return RecordMetrics.asMap(this, "reward/", "step", "totalSteps", "examples", "tokens");
    }
}
