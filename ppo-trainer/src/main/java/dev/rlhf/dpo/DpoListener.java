package dev.rlhf.dpo;

import java.nio.file.Path;

/** Receives a DPO run's progress. */
@FunctionalInterface
public interface DpoListener {

    void onStep(DpoMetrics metrics);

    default void onValidation(int step, DpoMetrics.Validation validation) {}

    default void onCheckpoint(int step, Path dir) {}
}
