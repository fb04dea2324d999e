package dev.rlhf.web.runs;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PPO from a registered policy and reward model, with prompts from the posts, through the queue. */
@PlatformTest
class PpoRunTest {
    @Autowired
    RunLauncher launcher;
    @Autowired
    RunQueue queue;
    @Autowired
    RunWorkers workers;
    @Autowired
    ModelRegistry registry;
    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path dir;

    RunWorker worker;

    @BeforeEach
    void onlyOurWorker() {
        workers.stop();
        RunTestSupport.emptyQueue(jdbc);
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (worker != null) worker.stop();
        RunTestSupport.emptyQueue(jdbc);
        workers.start();
    }

    @Test
    void ppoRunTrainsARegisteredPolicyAndTheFormNamesBadFields() throws Exception {
        dev.rlhf.lm.cli.CliArgs.offlineEngine();
        String tag = "ppo" + System.nanoTime();
        ByteTokenizer tokenizer = new ByteTokenizer();
        GPT2Config shape = GPT2Config.of(tokenizer.vocabSize(), 256, 16, 1, 1);
        Path policyDir = dir.resolve("policy");
        Path rmDir = dir.resolve("rm");
        try (NDManager manager = NDManager.newBaseManager()) {
            try (GPT2 policy = new GPT2(shape, manager, 1)) {
                HfCheckpoint.save(policyDir, shape, policy.namedTensors(), Map.of(), tokenizer);
            }
            try (RewardModel rm = RewardModel.fromScratch(shape, manager, 2)) {
                rm.save(rmDir, tokenizer);
            }
        }
        long policyId = registry.register(tag + "-sft", "SFT", policyDir.toString(), null, null, null, null);
        long rmId = registry.register(tag + "-rm", "REWARD_MODEL", rmDir.toString(), null, null, null, null);

        Map<String, String> form = new HashMap<>(Map.of("kind", "PPO", "name", tag, "baseModelId", Long.toString(policyId),
                "rewardModelId", Long.toString(rmId), "learningRate", "-0.1"));
        assertThat(launcher.launch(form, null).errors()).containsKey("learningRate");
        form.put("learningRate", "0.0001");
        form.put("rewardModelId", Long.toString(policyId));
        assertThat(launcher.launch(form, null).errors()).containsEntry("rewardModelId", "model " + policyId + " is not a reward model");
        form.put("rewardModelId", Long.toString(rmId));
        form.putAll(Map.of("iterations", "3", "batchSize", "4", "minibatchSize", "2", "ppoEpochs", "1",
                "responseLength", "8", "maxPromptTokens", "220", "forwardBatchSize", "4", "sampleEvery", "1",
                "samplesShown", "2", "checkpointEvery", "1"));
        form.put("maxPosts", "8");
        RunLauncher.Result launched = launcher.launch(form, null);
        assertThat(launched.errors()).isEmpty();
        long id = launched.runId();

        worker = workers.create("w-ppo", RunTestSupport.fast(workers, Duration.ofSeconds(30))).start();
        RunTestSupport.await("the PPO run", Duration.ofSeconds(90), () -> queue.state(id).finished());
        Run run = queue.find(id).orElseThrow();
        assertThat(run.state()).as("error %s, log %s", run.error(), run.log()).isEqualTo(RunState.SUCCEEDED);
        ModelRegistry.Model model = registry.find(run.outputModelId()).orElseThrow();
        assertThat(model.kind()).isEqualTo("POLICY");
        assertThat(model.parentModelId()).isEqualTo(policyId);
        assertThat(model.metrics()).contains("\"reward_model_id\": " + rmId);
        assertThat(Path.of(model.path()).resolve("model.safetensors")).exists();
        assertThat(queue.metricsOf(id, -1)).extracting(RunQueue.MetricPoint::name).contains("score", "kl", "policyLoss", "valueLoss");
        assertThat(queue.metricsOf(id, -1).stream().filter(p -> p.name().equals("kl")).count()).isEqualTo(3);
        assertThat(queue.samplesOf(id, 20)).isNotEmpty().allSatisfy(s -> assertThat(s.reward()).isNotNull());
        assertThat(run.checkpointPath()).isNotNull();
        // the policy directory carries its model card: final score and KL as stored, the prompts it used
        tools.jackson.databind.JsonNode metrics = tools.jackson.databind.json.JsonMapper.builder().build().readTree(model.metrics());
        assertThat(Path.of(model.path()).resolve("README.md")).content().contains("| Kind | POLICY |",
                "| Final reward-model score | " + String.format(java.util.Locale.ROOT, "%.4f", metrics.get("score").asDouble()) + " |",
                "| Final KL from the initial policy | " + String.format(java.util.Locale.ROOT, "%.4f", metrics.get("kl").asDouble()) + " |",
                "| PPO iterations | 3 |", "| Prompts (posts in the TL;DR layout) | " + metrics.get("prompts").asLong() + " |",
                "| Reward model | #" + rmId + " |", "| Parent model | #" + policyId + " " + tag + "-sft (SFT) |",
                "not a human judgement");
    }
}
