package dev.rlhf.reward;

import dev.rlhf.lm.metrics.PhaseLog;

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
        PhaseLog log = new PhaseLog(sink, "reward");
        return p -> log.log(p.step(), p.totalSteps(), p.asMap());
    }
}
