package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelsDirectory;

import dev.rlhf.web.models.ModelRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * Makes workers and runs the in-process one ({@code rlhf.worker.enabled}, true by default). The same jar started
 * without its web server ({@code --spring.main.web-application-type=none}) is a standalone worker on the same queue.
 */
@Component
public class RunWorkers implements SmartLifecycle {
    private final RunQueue queue;
    private final ModelRegistry registry;
    private final Map<RunKind, RunExecutor> executors = new EnumMap<>(RunKind.class);
    private final boolean enabled;
    private final RunWorker.Settings settings;
    private volatile RunWorker inProcess;

    public RunWorkers(RunQueue queue, ModelRegistry registry, RunTypes types,
                      @Value("${rlhf.worker.enabled:true}") boolean enabled,
                      @Value("${rlhf.worker.lease:60s}") Duration lease,
                      @Value("${rlhf.worker.heartbeat:5s}") Duration heartbeat,
                      @Value("${rlhf.worker.poll:2s}") Duration poll,
                      @Value("${rlhf.worker.kinds:}") String kinds,
                      ModelsDirectory modelsDir) {
        this.queue = queue;
        this.registry = registry;
        this.executors.putAll(types.executors());
        this.enabled = enabled;
        this.settings = new RunWorker.Settings(lease, heartbeat, poll, modelsDir.path(), kinds(kinds));
    }

    public RunWorker.Settings settings() {
        return settings;
    }

    /** A new worker (not started) with these settings. */
    public RunWorker create(String id, RunWorker.Settings settings) {
        return new RunWorker(id, queue, registry, executors, settings);
    }

    public static String hostWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The in-process worker, when it runs. */
    public RunWorker inProcess() {
        return inProcess;
    }

    @Override
    public synchronized void start() {
        if (enabled && inProcess == null) {
            inProcess = create(hostWorkerId(), settings).start();
        }
    }

    /** Stops the in-process worker (tests use it to run their own workers alone on the queue). */
    @Override
    public synchronized void stop() {
        RunWorker w = inProcess;
        inProcess = null;
        if (w != null) {
            try {
                w.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return inProcess != null;
    }

    /**
     * {@code rlhf.worker.kinds}: run kinds separated by commas (e.g. {@code PPO,RLOO,DPO}), empty for every kind; an
     * unknown name stops the start, naming it and the kinds there are.
     */
    static java.util.Set<RunKind> kinds(String text) {
        java.util.Set<RunKind> out = java.util.EnumSet.noneOf(RunKind.class);
        for (String part : text.split(",")) {
            String k = part.strip().toUpperCase(java.util.Locale.ROOT);
            if (k.isEmpty()) continue;
            try {
                out.add(RunKind.valueOf(k));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rlhf.worker.kinds: no run kind \"" + part.strip() + "\"; the kinds are "
                        + java.util.Arrays.toString(RunKind.values()));
            }
        }
        return out;
    }
}
