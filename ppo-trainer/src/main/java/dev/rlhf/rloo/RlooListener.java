package dev.rlhf.rloo;

import java.nio.file.Path;

/** Receives an RLOO run's progress. */
@FunctionalInterface
public interface RlooListener {

    void onIteration(RlooMetrics metrics);

    default void onCheckpoint(int iteration, Path dir) {}
}
