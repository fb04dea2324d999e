package dev.rlhf.web.runs;

import dev.rlhf.web.db.EmbeddedDatabase;
import dev.rlhf.web.support.ForkedPlatform;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault suite, 3: a standalone worker in a child JVM claims an SFT run and is killed (kill -9) after it wrote a
 * checkpoint. The run goes back to the queue when its lease expires, a second worker takes it, resumes from the
 * checkpoint, and ends with the same model, bit for bit, as an uninterrupted run of the same config and seed.
 */
@PlatformTest
class WorkerKilledMidRunTest extends OwnWorkerTest {
    static final String CONFIG = RunTestSupport.slowSft(120, 10);

    @Autowired
    RunTypes types;
    @Autowired
    EmbeddedDatabase database;

    @TempDir
    Path workDir;

    RunWorker worker(String id) {
        RunWorker w = new RunWorker(id, queue, registry, types.executors(), RunTestSupport.fast(workers, Duration.ofSeconds(2))).start();
        started.add(w);
        return w;
    }

    @Test
    void theRunOfAKilledWorkerIsResumedFromItsCheckpointAndEndsWithTheUninterruptedModel() throws Exception {
        // the uninterrupted run, for comparison
        long straight = queue.enqueue("uninterrupted", RunKind.SFT, CONFIG, null, null, null);
        RunWorker reference = worker("w-reference");
        RunTestSupport.await("the uninterrupted run", Duration.ofMinutes(3), () -> queue.state(straight).finished());
        reference.stop();
        assertThat(queue.find(straight).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);

        long id = queue.enqueue("killed mid-run", RunKind.SFT, CONFIG, null, null, null);
        ForkedPlatform child = ForkedPlatform.startWorker(workDir.resolve("worker"), database.jdbcUrl(), database.username(),
                database.password(), Map.of("rlhf.models-dir", workers.settings().modelsDir().toString(),
                        "rlhf.worker.lease", "3s", "rlhf.worker.heartbeat", "300ms", "rlhf.worker.poll", "200ms"));
        String childWorker;
        int checkpointStep;
        try {
            RunTestSupport.await("the child worker's first checkpoint", Duration.ofMinutes(3), () -> {
                if (!child.isAlive()) throw new AssertionError("the worker exited:\n" + child.output());
                return queue.find(id).orElseThrow().checkpointPath() != null;
            });
            child.kill();
            Run atKill = queue.find(id).orElseThrow();
            childWorker = atKill.workerId();
            assertThat(childWorker).as("claimed by the child JVM").contains("-" + child.pid() + "-");
            assertThat(atKill.state()).as("killed mid-run: %s", atKill.error()).isEqualTo(RunState.RUNNING);
            assertThat(atKill.step()).isLessThan(120);
            checkpointStep = Integer.parseInt(atKill.checkpointPath().replaceAll(".*checkpoint-(\\d+)$", "$1"));
            assertThat(checkpointStep).isPositive();
        } finally {
            child.kill();
        }

        RunWorker rescuer = worker("w-rescuer");
        Run run = succeeded("the run to finish on the second worker", id, Duration.ofMinutes(3));
        assertThat(run.workerId()).isEqualTo(rescuer.id());
        assertThat(run.attempts()).isEqualTo(2);
        assertThat(run.log()).contains("lease of worker " + childWorker + " expired; re-queued")
                .contains("attempt 2 of 3 on worker w-rescuer, resuming from ");
        int resumedAt = Integer.parseInt(run.log().replaceAll("(?s).*attempt 2 of 3 on worker w-rescuer, resuming from [^\\n]*checkpoint-(\\d+).*", "$1"));
        assertThat(resumedAt).as("resumed step").isPositive().isGreaterThanOrEqualTo(checkpointStep);
        assertThat(run.log()).contains("steps " + (resumedAt + 1) + "..120 of 120");

        byte[] uninterrupted = Files.readAllBytes(Path.of(registry.byRun(straight).orElseThrow().path()).resolve("model.safetensors"));
        byte[] resumed = Files.readAllBytes(Path.of(registry.byRun(id).orElseThrow().path()).resolve("model.safetensors"));
        assertThat(resumed).as("the resumed run's model, bit for bit").isEqualTo(uninterrupted);
        System.out.printf("fault suite, worker killed: run %d claimed by %s, killed after checkpoint-%d, re-queued after "
                + "its 3 s lease, resumed at step %d by w-rescuer, final model identical to the uninterrupted run (%d bytes)%n",
                id, childWorker, checkpointStep, resumedAt, resumed.length);
    }
}
