package dev.rlhf.lm;

/** Receives progress from a trainer after every optimizer step. */
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
                    double tokensPerSecond, int skippedSteps) {}

    void onStep(Progress progress);

    /** After the last step. */
    default void onEnd(Progress last) {}
}
