package dev.rlhf.lm.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends {@code metrics.jsonl}: one JSON object per logged step, {@code {"step": N, "time": S, "sft/loss": 1.23, ...}},
 * flushed line by line so a killed run keeps every step it logged. {@code time} is wall seconds since the run started:
 * since this writer was opened, plus the last time already in the file when it goes on from a resumed run. Values
 * that are not finite are kept, written as the JSON strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}
 * ({@link MetricsJsonl#read} reads them back as doubles). Opening an existing file drops a last line a killed writer
 * left unfinished, and steps already in the file are not written again (a resumed run trains them again).
 */
public final class JsonlSink implements MetricsSink {
    public static final String NAME = "metrics.jsonl";

    private final Writer out;
    private final Set<Long> present = new HashSet<>();
    private final double timeOffset;
    private final long startNanos = System.nanoTime();

    public JsonlSink(Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            double last = 0;
            if (Files.exists(file)) {
                dropUnfinishedLine(file);
                List<MetricsJsonl.Row> rows = MetricsJsonl.read(file);
                for (MetricsJsonl.Row r : rows) {
                    present.add(r.step());
                    if (Double.isFinite(r.time())) last = Math.max(last, r.time());
                }
            }
            timeOffset = last;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code dir/metrics.jsonl}. */
    public static JsonlSink in(Path dir) {
        return new JsonlSink(dir.resolve(NAME));
    }

    @Override
    public synchronized void log(long step, Map<String, Double> metrics) {
        if (present.contains(step)) return;
        double time = timeOffset + (System.nanoTime() - startNanos) / 1e9;
        StringBuilder b = new StringBuilder("{\"step\": ").append(step).append(", \"time\": ")
                .append(MetricsJsonl.number(Math.round(time * 1000) / 1000.0));
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getKey().equals("step") || e.getKey().equals("time")) continue;
            b.append(", ");
            MetricsJsonl.quote(e.getKey(), b);
            b.append(": ").append(e.getValue() == null ? "null" : MetricsJsonl.number(e.getValue()));
        }
        try {
            out.write(b.append("}\n").toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void dropUnfinishedLine(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') end--;
        if (end < bytes.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
    }
}
