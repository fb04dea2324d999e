package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;

import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue protocol with real workers training real (tiny) models against the real database. */
@PlatformTest
class RunQueueTest extends OwnWorkerTest {
    @Autowired
    SftExecutor sft;

    /** The SFT executor, counting how often each run is executed. */
    Map<RunKind, RunExecutor> counting(Map<Long, AtomicInteger> executions) {
        Map<RunKind, RunExecutor> m = new EnumMap<>(RunKind.class);
        m.put(RunKind.SFT, new RunExecutor() {
            public long execute(RunContext context) throws Exception {
                executions.computeIfAbsent(context.run().id(), k -> new AtomicInteger()).incrementAndGet();
                return sft.execute(context);
            }
        });
        return m;
    }

    RunWorker worker(String id, Map<RunKind, RunExecutor> executors, Duration lease) {
        RunWorker w = new RunWorker(id, queue, registry, executors, RunTestSupport.fast(workers, lease)).start();
        started.add(w);
        return w;
    }

    @Test
    void aWorkerTakesOnlyTheRunKindsItIsGivenOldestFirst() {
        long sftRun = queue.enqueue("kinds: sft", RunKind.SFT, "{}", null, null, null);
        long ppoRun = queue.enqueue("kinds: ppo", RunKind.PPO, "{}", null, null, null);
        long dpoRun = queue.enqueue("kinds: dpo", RunKind.DPO, "{}", null, null, null);
        Duration lease = Duration.ofMinutes(5);
        assertThat(queue.claim("gpu", lease, java.util.Set.of(RunKind.PPO, RunKind.DPO, RunKind.RLOO)).orElseThrow().id())
                .as("the older SFT run is not this worker's kind").isEqualTo(ppoRun);
        assertThat(queue.claim("gpu", lease, java.util.Set.of(RunKind.RLOO))).as("no queued RLOO run").isEmpty();
        assertThat(queue.claim("any", lease).orElseThrow().id()).as("a worker of every kind takes the oldest").isEqualTo(sftRun);
        assertThat(queue.claim("gpu", lease, java.util.Set.of(RunKind.DPO)).orElseThrow().id()).isEqualTo(dpoRun);
        assertThat(RunWorkers.kinds(" ppo, RLOO ,")).containsExactlyInAnyOrder(RunKind.PPO, RunKind.RLOO);
        assertThat(RunWorkers.kinds("")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunWorkers.kinds("PPO,GPU"))
                .hasMessageContaining("rlhf.worker.kinds: no run kind \"GPU\"");
    }

    @Test
    void twoWorkersAndFiveQueuedRunsEachRunExecutesExactlyOnce() throws Exception {
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(queue.enqueue("five-" + i, RunKind.SFT, RunTestSupport.tinySft(8, 4), null, null, null));
        }
        Map<Long, AtomicInteger> executions = new ConcurrentHashMap<>();
        worker("w-a", counting(executions), Duration.ofSeconds(30));
        worker("w-b", counting(executions), Duration.ofSeconds(30));

        RunTestSupport.await("five runs to finish", Duration.ofSeconds(90),
                () -> runs.stream().allMatch(id -> queue.state(id).finished()));

        for (long id : runs) {
            Run run = queue.find(id).orElseThrow();
            assertThat(run.state()).as("run %d: %s", id, run.error()).isEqualTo(RunState.SUCCEEDED);
            assertThat(run.attempts()).isEqualTo(1);
            assertThat(executions.get(id)).as("executions of run %d", id).hasValue(1);
            assertThat(run.log()).containsOnlyOnce("attempt 1 of");
            assertThat(run.step()).isEqualTo(8);
            ModelRegistry.Model model = registry.byRun(id).orElseThrow();
            assertThat(model.id()).isEqualTo(run.outputModelId());
            assertThat(model.kind()).isEqualTo("SFT");
            assertThat(java.nio.file.Path.of(model.path()).resolve("model.safetensors")).exists();
            assertThat(queue.metricsOf(id, -1).stream().filter(p -> p.name().equals("sft/loss")).map(RunQueue.MetricPoint::step))
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(queue.samplesOf(id, 10)).isNotEmpty();
        }
        List<String> workerIds = runs.stream().map(id -> queue.find(id).orElseThrow().workerId()).distinct().toList();
        assertThat(workerIds).isSubsetOf("w-a", "w-b");
    }

    @Test
    void aKilledWorkersRunIsRequeuedAfterItsLeaseAndResumedFromTheCheckpoint() throws Exception {
        long id = queue.enqueue("killed", RunKind.SFT, RunTestSupport.slowSft(120, 10), null, null, null);
        Map<Long, AtomicInteger> executions = new ConcurrentHashMap<>();
        RunWorker a = worker("w-doomed", counting(executions), Duration.ofSeconds(2));

        RunTestSupport.await("a first checkpoint", Duration.ofSeconds(60),
                () -> queue.find(id).orElseThrow().checkpointPath() != null);
        a.kill();
        Run afterKill = queue.find(id).orElseThrow();
        assertThat(afterKill.state()).as("killed mid-run, error %s", afterKill.error()).isEqualTo(RunState.RUNNING);
        assertThat(afterKill.workerId()).isEqualTo("w-doomed");
        int stepAtKill = afterKill.step();
        assertThat(stepAtKill).isLessThan(120);
        String checkpoint = afterKill.checkpointPath();
        assertThat(checkpoint).matches(".*checkpoint-\\d+$");
        assertThat(dev.rlhf.lm.TrainingState.exists(java.nio.file.Path.of(checkpoint))).as("optimizer state beside the weights").isTrue();

        RunWorker b = worker("w-rescuer", counting(executions), Duration.ofSeconds(2));
        RunTestSupport.await("the run to finish on the second worker", Duration.ofSeconds(90),
                () -> queue.state(id).finished());

        Run run = queue.find(id).orElseThrow();
        assertThat(run.state()).as("error %s, log %s", run.error(), run.log()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.workerId()).isEqualTo(b.id());
        assertThat(run.attempts()).isEqualTo(2);
        assertThat(executions.get(id)).hasValue(2);
        assertThat(run.log()).contains("lease of worker w-doomed expired; re-queued")
                .contains("attempt 2 of 3 on worker w-rescuer, resuming from " + checkpoint.substring(0, checkpoint.lastIndexOf('-')));
        int resumedAt = Integer.parseInt(run.log().replaceAll("(?s).*resuming from [^\\n]*checkpoint-(\\d+).*", "$1"));
        assertThat(run.log()).contains("steps " + (resumedAt + 1) + "..120 of 120");
        assertThat(resumedAt).isGreaterThan(0);
        assertThat(queue.metricsOf(id, -1).stream().filter(p -> p.name().equals("sft/loss")).count()).isEqualTo(120);
        assertThat(registry.byRun(id)).isPresent();
    }

    @Test
    void anSftRunReadsItsPromptSetAndRecordsThePostsItRead() throws Exception {
        // the demo data's posts: the first named subreddit that has at least 3 posts with a summary (an empty
        // subreddit, as imported posts without one have, means "any subreddit" in a prompt set)
        String subreddit = jdbc.sql("""
                        SELECT p.subreddit FROM posts p WHERE p.subreddit <> '' AND EXISTS (SELECT 1 FROM summaries s WHERE s.post_id = p.id)
                        GROUP BY p.subreddit HAVING count(*) >= 3 ORDER BY p.subreddit LIMIT 1""").query(String.class).single();
        List<Long> expected = jdbc.sql("""
                        SELECT p.id FROM posts p WHERE p.subreddit = ? AND EXISTS (SELECT 1 FROM summaries s WHERE s.post_id = p.id)
                        ORDER BY p.id LIMIT 3""").param(subreddit).query(Long.class).list();
        String config = RunTestSupport.tinySft(4, 0).replace("\"maxPosts\": 8", "\"maxPosts\": 3, \"promptSubreddit\": \"" + subreddit + "\"");
        long id = queue.enqueue("prompt-set", RunKind.SFT, config, null, null, null);
        worker("w-prompts", counting(new ConcurrentHashMap<>()), Duration.ofSeconds(30));
        Run run = succeeded("the run", id, Duration.ofSeconds(60));
        assertThat(run.log()).contains("SFT on 3 posts");
        assertThat(jdbc.sql("SELECT post_id FROM run_posts WHERE run_id = ? ORDER BY post_id").param(id).query(Long.class).list())
                .containsExactlyElementsOf(expected);

        // a prompt set that holds no post fails the run naming the field
        long empty = queue.enqueue("empty-prompt-set", RunKind.SFT,
                RunTestSupport.tinySft(4, 0).replace("\"maxPosts\": 8", "\"maxPosts\": 8, \"promptSubreddit\": \"no-such-subreddit\""),
                null, null, null);
        RunTestSupport.await("the empty run", Duration.ofSeconds(60), () -> queue.state(empty).finished());
        Run failed = queue.find(empty).orElseThrow();
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(failed.error()).contains("promptSplit: no posts with a summary in the prompt set (up to 8 posts, subreddit no-such-subreddit)");
    }

    @Test
    void aFailingRunKeepsItsLogAndErrorAndTheWorkerTakesTheNextRun() throws Exception {
        long missing = registry.register("vanished-" + System.nanoTime(), "SFT", "/nonexistent/model-dir", null, null, null, null);
        long failing = queue.enqueue("fails", RunKind.SFT, RunTestSupport.tinySft(4, 0), missing, null, null);
        long next = queue.enqueue("after the failure", RunKind.SFT, RunTestSupport.tinySft(4, 0), null, null, null);
        worker("w-single", counting(new ConcurrentHashMap<>()), Duration.ofSeconds(30));

        RunTestSupport.await("both runs to finish", Duration.ofSeconds(60),
                () -> queue.state(failing).finished() && queue.state(next).finished());
        Run failed = queue.find(failing).orElseThrow();
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(failed.error()).contains("/nonexistent/model-dir");
        assertThat(failed.log()).contains("attempt 1 of 3 on worker w-single").contains("failed: ");
        assertThat(failed.attempts()).isEqualTo(1);
        Run ok = queue.find(next).orElseThrow();
        assertThat(ok.state()).as("error %s", ok.error()).isEqualTo(RunState.SUCCEEDED);
        assertThat(ok.workerId()).isEqualTo("w-single");
    }

    @Test
    void cancellingARunningRunStopsItAtTheNextHeartbeat() throws Exception {
        long id = queue.enqueue("cancelled", RunKind.SFT, RunTestSupport.slowSft(2000, 0), null, null, null);
        RunWorker w = worker("w-cancel", counting(new ConcurrentHashMap<>()), Duration.ofSeconds(30));
        RunTestSupport.await("a few steps", Duration.ofSeconds(60), () -> queue.find(id).orElseThrow().step() >= 3);
        assertThat(queue.cancel(id)).isTrue();
        RunTestSupport.await("the worker to let go", Duration.ofSeconds(10), () -> w.currentRun().isEmpty());
        Run run = queue.find(id).orElseThrow();
        assertThat(run.state()).isEqualTo(RunState.CANCELLED);
        assertThat(run.step()).isLessThan(2000);
        assertThat(run.log()).contains("stopped: the run was cancelled");
        assertThat(registry.byRun(id)).isEmpty();
    }
}
