package dev.rlhf.web.runs;

import dev.rlhf.lm.metrics.JsonlSink;
import dev.rlhf.lm.metrics.MetricsSink;
import dev.rlhf.web.models.ModelRegistry;

import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What an executing run may do: read its row and config, write metrics, samples, log lines, progress and its
 * checkpoint path back, and register its model. {@link #checkStop()} is called after every training step and throws
 * {@link RunStopped} once the run was cancelled (seen on the heartbeat) or the worker is shutting down. After the
 * worker was killed every write is dropped, as a dead process would write nothing.
 */
public record RunContext(Run run, JsonNode config, ModelRegistry registry, Path runDir, Attempt attempt) {

    /**
     * The worker's side of one attempt at the run, which only the worker sees: its id, the queue the writes go to,
     * whether the run should stop or the worker was killed, and the run's {@code metrics.jsonl}.
     */
    record Attempt(String workerId, RunQueue queue, BooleanSupplier stopRequested, BooleanSupplier killed, JsonlSink jsonl) {}

    /** The context of an attempt by worker {@code workerId}; the run's directory is {@code modelsDir/run-ID}. */
    static RunContext of(Run run, JsonNode config, String workerId, RunQueue queue, ModelRegistry registry, Path modelsDir,
                         BooleanSupplier stopRequested, BooleanSupplier killed) {
        Path runDir = runDir(modelsDir, run.id());
        return new RunContext(run, config, registry, runDir,
                new Attempt(workerId, queue, stopRequested, killed, JsonlSink.in(runDir)));
    }

    /** Run {@code runId}'s own directory under the models directory: its config, metrics, checkpoints and final model. */
    static Path runDir(Path modelsDir, long runId) {
        return modelsDir.resolve("run-" + runId);
    }

    /** The registered model {@code id}; none is refused naming {@code field} ("baseModelId: no model 7"). */
    public ModelRegistry.Model model(String field, long id) {
        return registry.find(id).orElseThrow(() -> new IllegalArgumentException(field + ": no model " + id));
    }

    /** The directory of the run's {@code baseModelId}, which must be set and registered. */
    public Path baseModelDir() {
        return Path.of(model("baseModelId", run.baseModelId()).path());
    }

    public void checkStop() {
        if (killed()) throw new RunStopped("worker " + attempt.workerId() + " was killed");
        if (attempt.stopRequested().getAsBoolean()) throw new RunStopped("stopped: the run was cancelled or its lease was lost");
    }

    /**
     * Stores one step's metrics in {@code run_metrics} (where a step trained again overwrites the old values) and appends them to {@code run-ID/metrics.jsonl} (NaN and infinities
     * kept; a step already in the file is not written again).
     */
    public void metrics(long step, Map<String, Double> values) {
        if (killed()) return;
        attempt.queue().metrics(run.id(), step, values);
        attempt.jsonl().log(step, values);
    }

    /** The sink trainers report to: {@link #metrics}, {@link #progress}, {@link #checkpoint} and {@link #log}. */
    public MetricsSink sink() {
        return new RunSink(this);
    }

    /** Closes {@code metrics.jsonl}; the worker calls it when the run's attempt ends. */
    void close() {
        attempt.jsonl().close();
    }

    public void progress(int step, int total) {
        if (!killed()) attempt.queue().progress(run.id(), attempt.workerId(), step, total);
    }

    public void log(String line) {
        if (!killed()) attempt.queue().appendLog(run.id(), line);
    }

    public void device(String device) {
        if (!killed()) attempt.queue().device(run.id(), device);
    }

    public void checkpoint(Path dir) {
        if (!killed()) attempt.queue().checkpoint(run.id(), attempt.workerId(), dir.toString());
    }

    public void sample(long step, Long postId, String prompt, String completion, Double reward, Double kl) {
        if (!killed()) attempt.queue().sample(run.id(), step, postId, prompt, completion, reward, kl);
    }

    private boolean killed() {
        return attempt.killed().getAsBoolean();
    }
}
