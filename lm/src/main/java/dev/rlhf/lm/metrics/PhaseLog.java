package dev.rlhf.lm.metrics;

import java.util.Map;

/**
 * The steps of one training phase logged to a {@link MetricsSink}: before the first, the phase is announced with its
 * planned length ({@link MetricsSink#begin}).
 */
public final class PhaseLog {
    private final MetricsSink sink;
    private final String phase;
    private boolean begun;

    public PhaseLog(MetricsSink sink, String phase) {
        this.sink = sink;
        this.phase = phase;
    }

    /** Logs step {@code step} of {@code total}, announcing the phase first if this is the first step logged. */
    public void log(long step, long total, Map<String, Double> metrics) {
        if (!begun) {
            sink.begin(phase, total);
            begun = true;
        }
        sink.log(step, metrics);
    }
}
