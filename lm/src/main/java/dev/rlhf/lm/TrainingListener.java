package dev.rlhf.lm;

import dev.rlhf.lm.metrics.PhaseLog;

/**
 * Receives progress from a trainer after every optimizer step. The trainer's metrics go to a
 * {@link dev.rlhf.lm.metrics.MetricsSink} ({@link SftTrainer#metrics}); this callback stays for code that wants the typed
 * record.
 */
@FunctionalInterface
public interface TrainingListener {

    /**
     * @param step            1-based optimizer step
     * @param totalSteps      steps planned
     * @param loss            mean loss per supervised token in this step
     * @param learningRate    learning rate used in this step
     * @param gradNorm        global gradient norm before clipping
     * @param tokens          tokens (real, unpadded) the model read in this step
     * @param tokensPerSecond tokens / wall time of this step
     * @param skippedSteps    steps so far whose gradient norm was not finite, so that no update was applied
     */
    record Progress(int step, int totalSteps, double loss, double learningRate, double gradNorm, long tokens,
                    double tokensPerSecond, int skippedSteps) {

        /** The step's metrics under their {@code sft/} names, as every sink and the web store them. */
        public java.util.Map<String, Double> asMap() {
            return dev.rlhf.lm.metrics.RecordMetrics.asMap(this, "sft/", "step", "totalSteps");
        }
    }

    /** A listener that reports each step's {@link Progress#asMap()} to {@code sink}, announcing the phase first. */
    static TrainingListener to(dev.rlhf.lm.metrics.MetricsSink sink) {
        PhaseLog log = new PhaseLog(sink, "sft");
        return p -> log.log(p.step(), p.totalSteps(), p.asMap());
    }

    void onStep(Progress progress);

    /** After the last step. */
    default void onEnd(Progress last) {}
}
