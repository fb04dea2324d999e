package dev.rlhf.lm.metrics;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where every trainer reports: once per logged step a map of namespaced metric names ({@code sft/loss},
 * {@code reward/accuracy}, {@code ppo/kl}, {@code dpo/...}, {@code rloo/...}) to values, NaN and infinities included.
 * The other events are optional: {@link #begin} announces a phase and its length (the console bar's total and ETA),
 * {@link #progress} reports a phase that has no metrics (scoring the normalisation references), {@link #checkpoint}
 * a saved checkpoint and {@link #text} a free line.
 */
public interface MetricsSink extends AutoCloseable {

    /** The metrics of one step; a sink must not keep the map. */
    void log(long step, Map<String, Double> metrics);

    /** A phase of {@code total} units (steps, iterations, examples scored) starts. */
    default void begin(String phase, long total) {}

    /** {@code done} of {@code total} units of {@code phase} are done: progress without metrics. */
    default void progress(String phase, long done, long total) {}

    default void checkpoint(long step, Path dir) {}

    default void text(String line) {}

    /** Flushes and releases what the sink holds; the default does nothing. */
    @Override
    default void close() {}

    /** A sink that drops everything. */
    static MetricsSink none() {
        return (step, metrics) -> {};
    }

    /** Every event to each of {@code sinks}, in order. */
    static MetricsSink fanOut(MetricsSink... sinks) {
        return new FanOutSink(List.of(sinks));
    }
}
