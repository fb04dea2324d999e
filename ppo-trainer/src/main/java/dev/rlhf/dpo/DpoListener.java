package dev.rlhf.dpo;

import java.nio.file.Path;

/**
 * Receives a DPO run's typed records (for stop checks and the like); the metrics go to a
 * {@link dev.rlhf.lm.metrics.MetricsSink} ({@link DpoTrainer#metrics}).
 */
@FunctionalInterface
public interface DpoListener {

    void onStep(DpoMetrics metrics);

    default void onValidation(int step, DpoMetrics.Validation validation) {}

    default void onCheckpoint(int step, Path dir) {}
}
