package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** PPO from a registered policy and reward model, with prompts from the posts, through the queue. */
@PlatformTest
class PpoRunTest extends OwnWorkerTest {
    @Test
    void ppoRunTrainsARegisteredPolicyAndTheFormNamesBadFields() throws Exception {
        String tag = "ppo" + System.nanoTime();
        RunTestSupport.TinyModels tiny = RunTestSupport.tinyPolicyAndRewardModel(registry, dir, tag);
        long policyId = tiny.policyId(), rmId = tiny.rewardModelId();

        Map<String, String> form = new HashMap<>(Map.of("kind", "PPO", "name", tag, "baseModelId", Long.toString(policyId),
                "rewardModelId", Long.toString(rmId), "learningRate", "-0.1"));
        assertThat(launcher.launch(form, null).errors()).containsKey("learningRate");
        form.put("learningRate", "0.0001");
        form.put("rewardModelId", Long.toString(policyId));
        assertThat(launcher.launch(form, null).errors()).containsEntry("rewardModelId", "model " + policyId + " is SFT, not REWARD_MODEL");
        form.put("rewardModelId", Long.toString(rmId));
        form.putAll(Map.of("iterations", "3", "batchSize", "4", "minibatchSize", "2", "ppoEpochs", "1",
                "responseLength", "8", "maxPromptTokens", "220", "forwardBatchSize", "4", "sampleEvery", "1",
                "samplesShown", "2", "checkpointEvery", "1"));
        form.put("maxPosts", "8");
        form.put("whitenRewards", "true");
        RunLauncher.Result launched = launcher.launch(form, null);
        assertThat(launched.errors()).isEmpty();
        long id = launched.runId();
        assertThat(jdbc.sql("SELECT config -> 'ppo' ->> 'whitenRewards' FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("true");
        // every PpoConfig field is stored with its own JSON type, defaults filled in
        assertThat(jdbc.sql("SELECT jsonb_typeof(config -> 'ppo' -> 'batchSize') || ' ' || jsonb_typeof(config -> 'ppo' -> 'whitenRewards')"
                + " || ' ' || (config -> 'ppo' ->> 'klCoef') FROM runs WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("number boolean 0.05");

        startWorker("w-ppo", Duration.ofSeconds(30));
        Path models = workers.settings().modelsDir();
        Run run = succeeded("the PPO run", id, Duration.ofSeconds(90));
        ModelRegistry.Model model = trainedPolicy(run, policyId);
        assertThat(model.metrics()).contains("\"reward_model_id\": " + rmId);
        assertThat(queue.metricsOf(id, -1)).extracting(RunQueue.MetricPoint::name)
                .contains("ppo/score", "ppo/kl", "ppo/policy_loss", "ppo/value_loss", "ppo/total_reward", "ppo/clip_fraction")
                .allMatch(n -> n.startsWith("ppo/"));
        assertThat(queue.metricsOf(id, -1).stream().filter(p -> p.name().equals("ppo/kl")).count()).isEqualTo(3);
        // metrics.jsonl beside the checkpoints, offered on the run page with its CSV, to researchers only
        Path jsonl = models.resolve("run-" + id).resolve("metrics.jsonl");
        assertThat(java.nio.file.Files.readAllLines(jsonl)).hasSize(3)
                .allSatisfy(l -> assertThat(l).startsWith("{\"step\": ").contains("\"time\": ", "\"ppo/score\": ", "\"ppo/kl\": "));
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String page = mvc.perform(get("/research/runs/" + id).with(user(researcher))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("/research/runs/" + id + "/metrics.jsonl", "/research/runs/" + id + "/metrics.csv");
        var jsonlResponse = mvc.perform(get("/research/runs/" + id + "/metrics.jsonl").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse();
        assertThat(jsonlResponse.getContentAsString()).isEqualTo(java.nio.file.Files.readString(jsonl));
        assertThat(jsonlResponse.getHeader("Content-Disposition")).contains("run-" + id + "-metrics.jsonl");
        String csv = mvc.perform(get("/research/runs/" + id + "/metrics.csv").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String[] csvLines = csv.split("\n");
        assertThat(csvLines).hasSize(4);
        assertThat(csvLines[0]).startsWith("step,time,ppo/score,ppo/kl,");
        assertThat(csvLines[1]).startsWith("1,");
        assertThat(csvLines[3]).startsWith("3,");
        mvc.perform(get("/research/runs/" + id + "/metrics.csv").with(user(fixtures.signedIn(Role.LABELER))))
                .andExpect(status().isForbidden());
        mvc.perform(get("/research/runs/999999999/metrics.jsonl").with(user(researcher))).andExpect(status().isNotFound());
        // a diverged step keeps its NaN and infinities: in the database, the JSON API and the downloads
        long divergedStep = 4;
        RunContext ctx = RunContext.of(run, tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode(),
                "w-test", queue, registry, models, () -> false, () -> false);
        ctx.metrics(divergedStep, new java.util.LinkedHashMap<>(Map.of("ppo/kl", Double.NaN, "ppo/score", Double.POSITIVE_INFINITY)));
        ctx.close();
        assertThat(queue.metricsOf(id, 3)).extracting(RunQueue.MetricPoint::value)
                .containsExactlyInAnyOrder(Double.NaN, Double.POSITIVE_INFINITY);
        assertThat(mvc.perform(get("/api/runs/" + id + "/metrics?after=3").with(user(researcher))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).contains("\"NaN\"", "\"Infinity\"");
        String csvAfter = mvc.perform(get("/research/runs/" + id + "/metrics.csv").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(csvAfter.split("\n")[4]).startsWith("4,").contains("Infinity", "NaN");
        assertThat(queue.samplesOf(id, 20)).isNotEmpty().allSatisfy(s -> assertThat(s.reward()).isNotNull());
        assertThat(run.checkpointPath()).isNotNull();
        // the run's directory says how the policy was made: the resolved config beside the checkpoints
        tools.jackson.databind.JsonNode written = RunConfigFile.read(models.resolve("run-" + id));
        assertThat(written.path("kind").asString()).isEqualTo("PPO");
        assertThat(written.path("config").path("rewardModelId").asLong()).isEqualTo(rmId);
        assertThat(written.path("config").path("ppo").path("iterations").asInt()).isEqualTo(3);
        assertThat(written.path("config").path("ppo").path("gamma").asDouble()).isEqualTo(1.0);
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
