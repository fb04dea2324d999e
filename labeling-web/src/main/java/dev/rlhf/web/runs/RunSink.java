package dev.rlhf.web.runs;

import dev.rlhf.lm.metrics.MetricsSink;

import java.nio.file.Path;
import java.util.Map;

/**
 * The trainers' {@link MetricsSink} for a run of the queue: every step's namespaced metrics go to
 * {@link RunContext#metrics} (the database's {@code run_metrics} and the run directory's {@code metrics.jsonl}) and
 * move the run's step against the total of the phase announced last ({@link #begin}); a phase without metrics (the
 * reward model scoring its normalisation references) writes a log line every tenth of the way and checks the stop
 * flag; checkpoints become the run's checkpoint path, text lines its log.
 */
final class RunSink implements MetricsSink {
    private final RunContext ctx;
    private long total;
    private String progressPhase;
    private long progressDone;

    RunSink(RunContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void begin(String phase, long total) {
        this.total = total;
    }

    @Override
    public void log(long step, Map<String, Double> metrics) {
        ctx.metrics(step, metrics);
        if (total > 0) ctx.progress((int) step, (int) total);
    }

    @Override
    public void progress(String phase, long done, long total) {
        long tenth = Math.max(1, total / 10);
        boolean first = !phase.equals(progressPhase) || done < progressDone;
        // a line at the first report, whenever done crosses a tenth (whatever the batch size) and at the end
        if (first || done == total || done / tenth > progressDone / tenth) ctx.log(phase + ": " + done + "/" + total);
        progressPhase = phase;
        progressDone = done;
        ctx.checkStop();
    }

    @Override
    public void checkpoint(long step, Path dir) {
        ctx.checkpoint(dir);
    }

    @Override
    public void text(String line) {
        ctx.log(line);
    }
}
