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
public final class RunContext {
    private final Run run;
    private final JsonNode config;
    private final String workerId;
    private final RunQueue queue;
    private final ModelRegistry registry;
    private final Path modelsDir;
    private final BooleanSupplier stopRequested;
    private final BooleanSupplier killed;
    private JsonlSink jsonl;

    RunContext(Run run, JsonNode config, String workerId, RunQueue queue, ModelRegistry registry, Path modelsDir,
               BooleanSupplier stopRequested, BooleanSupplier killed) {
        this.run = run;
        this.config = config;
        this.workerId = workerId;
        this.queue = queue;
        this.registry = registry;
        this.modelsDir = modelsDir;
        this.stopRequested = stopRequested;
        this.killed = killed;
    }

    public Run run() {
        return run;
    }

    public JsonNode config() {
        return config;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** The registered model {@code id}; none is refused naming {@code field} ("baseModelId: no model 7"). */
    public ModelRegistry.Model model(String field, long id) {
        return registry.find(id).orElseThrow(() -> new IllegalArgumentException(field + ": no model " + id));
    }

    /** The directory of the run's {@code baseModelId}, which must be set and registered. */
    public Path baseModelDir() {
        return Path.of(model("baseModelId", run.baseModelId()).path());
    }

    /** This run's own directory under the models directory: checkpoints and the final model. */
    public Path runDir() {
        return modelsDir.resolve("run-" + run.id());
    }

    public void checkStop() {
        if (killed.getAsBoolean()) throw new RunStopped("worker " + workerId + " was killed");
        if (stopRequested.getAsBoolean()) throw new RunStopped("stopped: the run was cancelled or its lease was lost");
    }

    /**
     * Stores one step's metrics in {@code run_metrics} (where a step trained again overwrites the old values) and appends them to {@code run-ID/metrics.jsonl} (NaN and infinities
     * kept; a step already in the file is not written again).
     */
    public void metrics(long step, Map<String, Double> values) {
        if (killed.getAsBoolean()) return;
        queue.metrics(run.id(), step, values);
        jsonl().log(step, values);
    }

    /** The sink trainers report to: {@link #metrics}, {@link #progress}, {@link #checkpoint} and {@link #log}. */
    public MetricsSink sink() {
        return new RunSink(this);
    }

    private synchronized JsonlSink jsonl() {
        if (jsonl == null) jsonl = JsonlSink.in(runDir());
        return jsonl;
    }

    /** Closes {@code metrics.jsonl}; the worker calls it when the run's attempt ends. */
    synchronized void close() {
        if (jsonl != null) jsonl.close();
        jsonl = null;
    }

    public void progress(int step, int total) {
        if (!killed.getAsBoolean()) queue.progress(run.id(), workerId, step, total);
    }

    public void log(String line) {
        if (!killed.getAsBoolean()) queue.appendLog(run.id(), line);
    }

    public void device(String device) {
        if (!killed.getAsBoolean()) queue.device(run.id(), device);
    }

    public void checkpoint(Path dir) {
        if (!killed.getAsBoolean()) queue.checkpoint(run.id(), workerId, dir.toString());
    }

    public void sample(long step, Long postId, String prompt, String completion, Double reward, Double kl) {
        if (!killed.getAsBoolean()) queue.sample(run.id(), step, postId, prompt, completion, reward, kl);
    }
}
