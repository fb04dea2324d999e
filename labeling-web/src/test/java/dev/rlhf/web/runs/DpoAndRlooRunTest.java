package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPO from a label snapshot and RLOO from a reward model, each launched through the form's fields, run by a worker
 * and registered as a POLICY with its lineage; bad fields are refused by name before anything is queued.
 */
@PlatformTest
class DpoAndRlooRunTest extends OwnWorkerTest {
    @Test
    void dpoRunTrainsAPolicyOnASnapshotAndRefusesBadFields() throws Exception {
        String tag = "dpo" + System.nanoTime();
        RunTestSupport.TinyModels tiny = RunTestSupport.tinyPolicyAndRewardModel(registry, dir, tag);
        long snapshot = fixtures.syntheticSnapshot(dir, tag);
        Map<String, String> form = new HashMap<>(Map.of("kind", "DPO", "name", tag, "snapshotId", Long.toString(snapshot),
                "baseModelId", Long.toString(tiny.policyId()), "beta", "-1"));
        assertThat(launcher.launch(form, null).errors()).containsKey("beta");
        form.put("beta", "0.1");
        form.put("loss", "hinge");
        assertThat(launcher.launch(form, null).errors()).containsEntry("loss", "loss must be sigmoid or ipo, was hinge");
        form.put("loss", "sigmoid");
        form.put("baseModelId", Long.toString(tiny.rewardModelId()));
        assertThat(launcher.launch(form, null).errors()).containsKey("baseModelId");
        form.put("baseModelId", Long.toString(tiny.policyId()));
        form.putAll(Map.of("steps", "4", "batchSize", "4", "maxLength", "257", "checkpointEvery", "2",
                "learningRate", "0.001", "warmupSteps", "1", "validationFraction", "0.25"));
        RunLauncher.Result launched = launcher.launch(form, null);
        assertThat(launched.errors()).isEmpty();
        long id = launched.runId();
        assertThat(jdbc.sql("SELECT config -> 'dpo' ->> 'beta' FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("0.1");

        startWorker("w-dpo", Duration.ofSeconds(30));
        Run run = succeeded("the DPO run", id, Duration.ofSeconds(90));
        ModelRegistry.Model model = trainedPolicy(run, tiny.policyId());
        assertThat(model.snapshotId()).isEqualTo(snapshot);
        assertThat(model.metrics()).contains("\"method\": \"DPO\"", "\"validation_accuracy\"");
        assertThat(queue.metricsOf(id, -1)).extracting(RunQueue.MetricPoint::name)
                .contains("dpo/loss", "dpo/rewards/chosen", "dpo/rewards/rejected", "dpo/rewards/accuracies",
                        "dpo/rewards/margins", "dpo/logps/chosen", "dpo/logps/rejected", "dpo/validation/accuracy");
        assertThat(queue.metricsOf(id, -1).stream().filter(p -> p.name().equals("dpo/loss")).count()).isEqualTo(4);
        assertThat(run.checkpointPath()).contains("checkpoint-000004");
        assertThat(run.log()).contains("DPO on snapshot " + snapshot, "held-out implicit-reward accuracy");
        assertThat(Path.of(model.path()).resolve("README.md")).content().contains("| Kind | POLICY |");
    }

    @Test
    void rlooRunTrainsARegisteredPolicyAgainstTheRewardModel() throws Exception {
        String tag = "rloo" + System.nanoTime();
        RunTestSupport.TinyModels tiny = RunTestSupport.tinyPolicyAndRewardModel(registry, dir, tag);
        Map<String, String> form = new HashMap<>(Map.of("kind", "RLOO", "name", tag, "baseModelId", Long.toString(tiny.policyId()),
                "rewardModelId", Long.toString(tiny.policyId()), "samplesPerPrompt", "1"));
        Map<String, String> errors = launcher.launch(form, null).errors();
        assertThat(errors).containsKey("rewardModelId").containsKey("samplesPerPrompt");
        form.put("rewardModelId", Long.toString(tiny.rewardModelId()));
        form.putAll(Map.of("iterations", "2", "batchSize", "2", "samplesPerPrompt", "2", "minibatchSize", "2",
                "responseLength", "8", "maxPromptTokens", "220", "forwardBatchSize", "4", "checkpointEvery", "1",
                "objective", "clipped", "maxPosts", "8"));
        RunLauncher.Result launched = launcher.launch(form, null);
        assertThat(launched.errors()).isEmpty();
        long id = launched.runId();

        startWorker("w-rloo", Duration.ofSeconds(30));
        Run run = succeeded("the RLOO run", id, Duration.ofSeconds(90));
        ModelRegistry.Model model = trainedPolicy(run, tiny.policyId());
        assertThat(model.metrics()).contains("\"method\": \"RLOO\"", "\"reward_model_id\": " + tiny.rewardModelId());
        assertThat(queue.metricsOf(id, -1)).extracting(RunQueue.MetricPoint::name)
                .contains("rloo/score", "rloo/kl", "rloo/entropy", "rloo/loss", "rloo/clip_fraction", "rloo/eos_fraction");
        assertThat(queue.metricsOf(id, -1).stream().filter(p -> p.name().equals("rloo/kl")).count()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM run_posts WHERE run_id = ?").param(id).query(Long.class).single())
                .as("the prompts it read are recorded, so evaluations hold them out").isPositive();
    }
}
