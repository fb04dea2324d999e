package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.LabelSnapshots;

import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A label snapshot frozen from an imported batch trains a reward model through the queue and registers it with its lineage. */
@PlatformTest
class RewardModelRunTest extends OwnWorkerTest {
    @Autowired
    LabelSnapshots snapshots;

    @Test
    void snapshotOfABatchTrainsARegisteredRewardModel() throws Exception {
        String tag = "rm" + System.nanoTime();
        long snapshot = fixtures.syntheticSnapshot(dir, tag);
        assertThat(jdbc.sql("SELECT label_count FROM label_snapshots WHERE id = ?").param(snapshot).query(Integer.class).single())
                .isEqualTo(48);
        List<Comparison> frozen = snapshots.comparisons(snapshot);
        assertThat(frozen).hasSize(48);
        assertThat(frozen).allSatisfy(c -> assertThat(c.summaries()).hasSize(2));

        String config = "{\"learningRate\": 0.003, \"minLearningRate\": 0.0003, \"batchSize\": 8, \"microBatchSize\": 8,"
                + " \"epochs\": 2, \"checkpointEvery\": 3, \"nLayer\": 1, \"nHead\": 1, \"nEmbd\": 16, \"nPositions\": 256}";
        long id = queue.enqueue(tag, RunKind.REWARD_MODEL, config, null, snapshot, null);
        startWorker("w-rm", Duration.ofSeconds(30));
        Run run = succeeded("the reward-model run", id, Duration.ofSeconds(90));
        ModelRegistry.Model model = registry.find(run.outputModelId()).orElseThrow();
        assertThat(model.kind()).isEqualTo("REWARD_MODEL");
        assertThat(model.snapshotId()).isEqualTo(snapshot);
        assertThat(model.runId()).isEqualTo(id);
        assertThat(model.metrics()).contains("validation_accuracy", "\"evaluation\"", "\"calibration\"");
        assertThat(Path.of(model.path()).resolve("model.safetensors")).exists();
        assertThat(queue.metricsOf(id, -1)).extracting(RunQueue.MetricPoint::name).contains("reward/loss", "reward/accuracy");
        assertThat(run.log()).contains("reward model on snapshot " + snapshot + ": 48 comparisons");
        // the scoring after the last step reports its progress: the normalisation references, then the evaluation
        assertThat(run.log()).contains("scoring ").containsPattern("reward/normalisation: (\\d+)/\\1")
                .containsPattern("reward/evaluation: (\\d+)/\\1");
        // checkpoints every 3 steps and at the last; only the latest is kept, with the trainer's state beside the weights
        int steps = (int) queue.metricsOf(id, -1).stream().filter(p -> p.name().equals("reward/loss")).count();
        assertThat(run.log()).contains("checkpoints/member-0/checkpoint-3");
        assertThat(run.checkpointPath()).endsWith("checkpoints/member-0/checkpoint-" + steps);
        assertThat(dev.rlhf.lm.TrainingState.exists(Path.of(run.checkpointPath()))).isTrue();
        assertThat(Path.of(run.checkpointPath()).resolveSibling("checkpoint-3")).doesNotExist();
        // the run's directory records the config beside the checkpoints (queued here directly, so as given)
        tools.jackson.databind.JsonNode written = RunConfigFile.read(Path.of(model.path()).getParent());
        assertThat(written.path("kind").asString()).isEqualTo("REWARD_MODEL");
        assertThat(written.path("snapshotId").asLong()).isEqualTo(snapshot);
        assertThat(written.path("config").path("learningRate").asDouble()).isEqualTo(0.003);
    }

    /**
     * An ensemble of two launched through the API: the members' seeds differ (5, 6), their split seed is the first
     * member's (5), so both hold out the same posts — not those seed 6 alone would hold out — and their models differ.
     * With {@code normaliseGain} the registered normalisation has a gain.
     */
    @Test
    void theMembersOfAnEnsembleHoldOutTheSamePosts() throws Exception {
        String tag = "ens" + System.nanoTime();
        long snapshot = fixtures.syntheticSnapshot(dir, tag);
        RunLauncher.Result launched = launcher.launch(java.util.Map.ofEntries(java.util.Map.entry("kind", "REWARD_MODEL"),
                java.util.Map.entry("name", tag), java.util.Map.entry("snapshotId", Long.toString(snapshot)),
                java.util.Map.entry("ensembleSize", "2"), java.util.Map.entry("seed", "5"), java.util.Map.entry("batchSize", "8"),
                java.util.Map.entry("normaliseGain", "true"), java.util.Map.entry("nLayer", "1"), java.util.Map.entry("nHead", "1"),
                java.util.Map.entry("nEmbd", "16"), java.util.Map.entry("nPositions", "256")), null);
        assertThat(launched.errors()).isEmpty();
        List<Long> members = launched.runIds();
        assertThat(members).hasSize(2);
        for (int i = 0; i < 2; i++) {
            long id = members.get(i);
            assertThat(jdbc.sql("SELECT (config ->> 'seed') || ' ' || (config ->> 'splitSeed') FROM runs WHERE id = ?").param(id)
                    .query(String.class).single()).isEqualTo((5 + i) + " 5");
        }
        startWorker("w-ens", Duration.ofSeconds(30));
        RunTestSupport.await("the ensemble's runs", Duration.ofSeconds(120),
                () -> members.stream().allMatch(id -> queue.state(id).finished()));

        List<tools.jackson.databind.JsonNode> metrics = new java.util.ArrayList<>();
        List<Path> dirs = new java.util.ArrayList<>();
        for (long id : members) {
            Run run = queue.find(id).orElseThrow();
            assertThat(run.state()).as("error %s, log %s", run.error(), run.log()).isEqualTo(RunState.SUCCEEDED);
            ModelRegistry.Model model = registry.find(run.outputModelId()).orElseThrow();
            metrics.add(tools.jackson.databind.json.JsonMapper.builder().build().readTree(model.metrics()));
            dirs.add(Path.of(model.path()));
            assertThat(run.log()).contains("split seed 5: 5 validation posts");
        }
        List<String> first = posts(metrics.get(0)), second = posts(metrics.get(1));
        assertThat(first).hasSize(5).isEqualTo(second);                  // 20% of 24 posts, the same for both members
        assertThat(metrics.get(0).path("split").path("seed").asLong()).isEqualTo(5);
        assertThat(metrics.get(1).path("split").path("seed").asLong()).isEqualTo(5);
        List<String> ownSplit = dev.rlhf.reward.PostSplit.random(snapshots.comparisons(snapshot), c -> c.info().id(), 0.2, 6)
                .validationPosts().stream().sorted().toList();
        assertThat(second).as("what member 2 would hold out by its own seed").isNotEqualTo(ownSplit);
        assertThat(java.nio.file.Files.mismatch(dirs.get(0).resolve("model.safetensors"), dirs.get(1).resolve("model.safetensors")))
                .as("the members' weights differ").isNotEqualTo(-1L);
        for (tools.jackson.databind.JsonNode m : metrics) {
            double gain = m.path("normalisation").path("gain").asDouble();
            assertThat(gain).isPositive().isNotEqualTo(1.0);
        }
    }

    static List<String> posts(tools.jackson.databind.JsonNode metrics) {
        List<String> ids = new java.util.ArrayList<>();
        metrics.path("split").path("validation_posts").forEach(p -> ids.add(p.asString()));
        return ids;
    }

    @Test
    void aRewardModelRunWithoutASnapshotFailsNamingIt() throws Exception {
        long id = queue.enqueue("no snapshot", RunKind.REWARD_MODEL, "{}", null, null, null);
        startWorker("w-rm2", Duration.ofSeconds(30));
        RunTestSupport.await("the run to fail", Duration.ofSeconds(30), () -> queue.state(id).finished());
        Run run = queue.find(id).orElseThrow();
        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.error()).contains("snapshotId");
    }
}
