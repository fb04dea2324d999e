package dev.rlhf.lm.metrics;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Sends every event to several sinks, in order; {@link #close()} closes each. */
public final class FanOutSink implements MetricsSink {
    private final List<MetricsSink> sinks;

    public FanOutSink(List<MetricsSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void log(long step, Map<String, Double> metrics) {
        for (MetricsSink s : sinks) s.log(step, metrics);
    }

    @Override
    public void begin(String phase, long total) {
        for (MetricsSink s : sinks) s.begin(phase, total);
    }

    @Override
    public void progress(String phase, long done, long total) {
        for (MetricsSink s : sinks) s.progress(phase, done, total);
    }

    @Override
    public void checkpoint(long step, Path dir) {
        for (MetricsSink s : sinks) s.checkpoint(step, dir);
    }

    @Override
    public void text(String line) {
        for (MetricsSink s : sinks) s.text(line);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (MetricsSink s : sinks) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
