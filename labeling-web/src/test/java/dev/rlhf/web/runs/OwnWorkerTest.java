package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.support.MockMvcTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests that run runs through the queue share: while a test runs, the application's own workers are stopped
 * and the queue is empty, so only the test's {@link #worker} (or the workers it puts in {@link #started}) takes runs;
 * afterwards they stop, the queue is emptied and the application's workers start again.
 */
abstract class OwnWorkerTest extends MockMvcTest {
    @Autowired
    RunQueue queue;
    @Autowired
    RunWorkers workers;
    @Autowired
    ModelRegistry registry;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    RunLauncher launcher;

    /** A fresh directory for what the test writes (models, snapshots). */
    @TempDir
    Path dir;

    RunWorker worker;
    final List<RunWorker> started = new ArrayList<>();

    @BeforeEach
    void onlyOurWorker() {
        workers.stop();
        RunTestSupport.emptyQueue(jdbc);
    }

    @AfterEach
    void restoreTheWorkers() throws InterruptedException {
        if (worker != null) worker.stop();
        for (RunWorker w : started) w.stop();
        RunTestSupport.emptyQueue(jdbc);
        workers.start();
    }

    /** Starts {@link #worker}: the application's executors, {@code lease}, fast polling and heartbeats. */
    RunWorker startWorker(String id, Duration lease) {
        worker = workers.create(id, RunTestSupport.fast(workers, lease)).start();
        return worker;
    }

    /** Waits up to {@code timeout} for run {@code id} to finish; it must have succeeded (else its error and log are shown). */
    Run succeeded(String what, long id, Duration timeout) throws InterruptedException {
        RunTestSupport.await(what, timeout, () -> queue.state(id).finished());
        Run run = queue.find(id).orElseThrow();
        assertThat(run.state()).as("%s: run %s (%s), error %s, log %s", what, id, run.name(), run.error(), run.log())
                .isEqualTo(RunState.SUCCEEDED);
        return run;
    }

    /** The model {@code run} registered: a POLICY whose parent is {@code parentId}, with its weights written. */
    ModelRegistry.Model trainedPolicy(Run run, long parentId) {
        ModelRegistry.Model model = registry.find(run.outputModelId()).orElseThrow();
        assertThat(model.kind()).isEqualTo("POLICY");
        assertThat(model.parentModelId()).isEqualTo(parentId);
        assertThat(Path.of(model.path()).resolve("model.safetensors")).exists();
        return model;
    }
}
