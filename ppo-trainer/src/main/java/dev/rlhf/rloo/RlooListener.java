package dev.rlhf.rloo;

import java.nio.file.Path;

/**
 * Receives an RLOO run's typed records (for stop checks and the like); the metrics go to a
 * {@link dev.rlhf.lm.metrics.MetricsSink} ({@link RlooTrainer#metrics}).
 */
@FunctionalInterface
public interface RlooListener {

    void onIteration(RlooMetrics metrics);

    default void onCheckpoint(int iteration, Path dir) {}
}
