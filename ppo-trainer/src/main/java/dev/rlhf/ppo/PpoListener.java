package dev.rlhf.ppo;

import java.util.List;

/**
 * Receives what a PPO run produces besides its metrics: the sample tables, checkpoints, start and end. The metrics go
 * to a {@link dev.rlhf.lm.metrics.MetricsSink} ({@link PpoTrainer#metrics}).
 */
public interface PpoListener {

    /** One generated response as a researcher reads it. */
    record Sample(String prompt, String response, double score, boolean hasEos) {}

    /** Before the first iteration (of this process; a resumed run starts after its checkpoint). */
    default void onStart(String device, PpoConfig config, int firstIteration) {}

    /** After every iteration. */
    void onIteration(PpoMetrics metrics);

    /** Every {@code sampleEvery} iterations: the first {@code samplesShown} rows of the batch. */
    default void onSamples(int iteration, List<Sample> samples) {}

    /** After a checkpoint was written. */
    default void onCheckpoint(int iteration, java.nio.file.Path dir) {}

    /** After the last iteration. */
    default void onEnd(PpoMetrics last) {}
}
