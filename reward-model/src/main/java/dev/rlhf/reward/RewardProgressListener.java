package dev.rlhf.reward;

/**
 * Receives progress from {@link RewardTrainer} after every optimizer step: the typed record, for checkpoints and stop
 * checks. Metrics go to a {@link dev.rlhf.lm.metrics.MetricsSink} ({@link RewardTrainer#metrics}).
 */
@FunctionalInterface
public interface RewardProgressListener {

    void onStep(RewardProgress progress);

    /** After the last step. */
    default void onEnd(RewardProgress last) {
    }

    RewardProgressListener NONE = p -> { };

    /** Reports each step's {@link RewardProgress#asMap()} to {@code sink}, announcing the phase {@code reward} first. */
    static RewardProgressListener to(dev.rlhf.lm.metrics.MetricsSink sink) {
        return new RewardProgressListener() {
            private boolean begun;

            @Override
            public void onStep(RewardProgress p) {
                if (!begun) {
                    sink.begin("reward", p.totalSteps());
                    begun = true;
                }
                sink.log(p.step(), p.asMap());
            }
        };
    }
}
