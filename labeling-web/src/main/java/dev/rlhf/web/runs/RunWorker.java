package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One worker: a thread that claims a queued run, executes it, and claims the next; a second thread renews the
 * run's lease every heartbeat and raises the stop flag when the run was cancelled (the heartbeat no longer
 * matches a RUNNING row of this worker). {@link #kill()} stops both abruptly without releasing anything, as a
 * crashed process would: the run stays RUNNING until its lease expires and another worker takes it over.
 */
public final class RunWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * The PyTorch engine allows one gradient collector per process, so the workers of one JVM train one run at a
     * time: a worker takes this lock before it claims, and never holds a claimed run while it waits.
     */
    private static final ReentrantLock TRAINING = new ReentrantLock(true);

    /**
     * @param kinds the run kinds this worker takes; empty: every kind
     */
    public record Settings(Duration lease, Duration heartbeat, Duration poll, Path modelsDir, java.util.Set<RunKind> kinds) {
        public Settings {
            kinds = java.util.Set.copyOf(kinds);
        }

        /** A worker that takes every kind. */
        public Settings(Duration lease, Duration heartbeat, Duration poll, Path modelsDir) {
            this(lease, heartbeat, poll, modelsDir, java.util.Set.of());
        }
    }

    private final String id;
    private final RunQueue queue;
    private final ModelRegistry registry;
    private final Map<RunKind, RunExecutor> executors;
    private final Settings settings;
    private final ScheduledExecutorService heartbeats;
    private volatile boolean running;
    private volatile boolean killed;
    private volatile boolean stopCurrent;
    private volatile Long currentRun;
    private Thread thread;

    public RunWorker(String id, RunQueue queue, ModelRegistry registry, Map<RunKind, RunExecutor> executors,
                     Settings settings) {
        this.id = id;
        this.queue = queue;
        this.registry = registry;
        this.executors = executors;
        this.settings = settings;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-heartbeat-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    public String id() {
        return id;
    }

    /** The run this worker is executing now, if any. */
    public Optional<Long> currentRun() {
        return Optional.ofNullable(currentRun);
    }

    public synchronized RunWorker start() {
        if (running) return this;
        running = true;
        thread = new Thread(this::loop, "run-worker-" + id);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Takes no new run; a run in progress stops at its next step and is handed back to the queue by its lease. */
    public void stop() throws InterruptedException {
        running = false;
        stopCurrent = true;
        Thread t = thread;
        if (t != null) t.join(60_000);
        heartbeats.shutdownNow();
    }

    /** Dies on the spot: no more heartbeats, no more writes, the lease left to expire. */
    public void kill() throws InterruptedException {
        killed = true;
        running = false;
        heartbeats.shutdownNow();
        Thread t = thread;
        if (t != null) t.join(60_000);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void loop() {
        while (running) {
            try {
                if (!TRAINING.tryLock(settings.poll().toMillis(), TimeUnit.MILLISECONDS)) continue;
                boolean idle;
                try {
                    if (!running) return;
                    Optional<Run> claimed = queue.claim(id, settings.lease(), settings.kinds());
                    idle = claimed.isEmpty();
                    claimed.ifPresent(this::execute);
                } finally {
                    TRAINING.unlock();
                }
                if (idle) Thread.sleep(settings.poll().toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (killed) return;
                log.warn("worker {}: {}", id, e.toString());
                try {
                    Thread.sleep(settings.poll().toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void execute(Run run) {
        currentRun = run.id();
        stopCurrent = false;
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                if (!killed && !queue.heartbeat(run.id(), id, settings.lease())) stopCurrent = true;
            } catch (RuntimeException e) {
                log.warn("worker {}: heartbeat of run {} failed: {}", id, run.id(), e.toString());
            }
        }, settings.heartbeat().toMillis(), settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        RunContext context = null;
        try {
            JsonNode config = JSON.readTree(run.config() == null ? "{}" : run.config());
            context = RunContext.of(run, config, id, queue, registry, settings.modelsDir(),
                    () -> stopCurrent, () -> killed);
            context.log("attempt " + run.attempts() + " of " + run.maxAttempts() + " on worker " + id
                    + (run.checkpointPath() == null ? "" : ", resuming from " + run.checkpointPath()));
            // PyTorch's grad mode is per thread and on by default in a new one; the engine turns it off only on the
            // thread that loaded it. Trainers enable it inside their gradient collectors, and in-place updates outside
            // them (the reward model's normalisation) fail with grad mode on, so every run starts with it off.
            dev.rlhf.lm.OfflineEngine.use();
            ai.djl.engine.Engine.getInstance();
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            RunExecutor executor = executors.get(RunKind.valueOf(run.kind()));
            if (executor == null) throw new IllegalArgumentException("no executor for run kind " + run.kind());
            RunConfigFile.write(context.runDir(), run, config);
            long model = executor.execute(context);
            if (!killed) {
                context.log(model == RunExecutor.NO_MODEL ? "succeeded" : "succeeded: model " + model);
                queue.succeed(run.id(), id, model == RunExecutor.NO_MODEL ? null : model);
            }
        } catch (RunStopped e) {
            if (!killed && context != null) context.log(e.getMessage());
            if (!killed && !running && queue.release(run.id(), id)) {
                queue.appendLog(run.id(), "worker " + id + " stopped; re-queued");
            }
        } catch (Throwable e) {
            if (!killed) {
                String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.warn("worker {}: run {} failed: {}", id, run.id(), error);
                try {
                    queue.appendLog(run.id(), "failed: " + error);
                    queue.fail(run.id(), id, error);
                } catch (RuntimeException dbError) {
                    log.warn("worker {}: could not record the failure of run {}: {}", id, run.id(), dbError.toString());
                }
            }
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (RuntimeException e) {
                    log.warn("worker {}: could not close the metrics of run {}: {}", id, run.id(), e.toString());
                }
            }
            beat.cancel(false);
            currentRun = null;
        }
    }
}
