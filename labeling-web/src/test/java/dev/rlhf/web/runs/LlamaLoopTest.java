package dev.rlhf.web.runs;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Llama;
import dev.rlhf.lm.LlamaConfig;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.evaluation.EvaluationFixture;
import dev.rlhf.web.evaluation.EvaluationStore;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * A researcher brings a tiny Llama (a Hugging Face directory with a byte-level BPE tokenizer.json) into the models
 * directory and registers it; then the whole loop runs on it through the queue: SFT, a reward model on a snapshot,
 * PPO, and a human evaluation of the PPO policy. What the runs save is the Llama layout transformers reads.
 */
@PlatformTest
class LlamaLoopTest extends OwnWorkerTest {
    static final Path FIXTURE = Path.of("../lm/src/test/resources/hf-tiny-families/llama");

    @Autowired
    EvaluationStore evaluations;

    @Test
    void aRegisteredLlamaGoesThroughSftRewardModelPpoAndEvaluation() throws Exception {
        dev.rlhf.lm.OfflineEngine.use();
        String tag = "llama" + System.nanoTime();
        Path models = workers.settings().modelsDir();
        Path brought = models.resolve(tag + "-base");
        Tokenizer tokenizer = Tokenizers.load(FIXTURE);
        LlamaConfig config = LlamaConfig.llama(tokenizer.vocabSize(), 320, 32, 64, 2, 4, 2);
        try (NDManager m = NDManager.newBaseManager(); Llama model = Llama.random(config, m, 3)) {
            HfCheckpoint.save(brought, config, model.namedTensors(), Map.of(), tokenizer);
        }
        SignedInUser researcher = fixtures.signedIn(Role.RESEARCHER);

        // registration refuses what it cannot use, naming the field
        assertThat(register(researcher, "{\"name\":\"x\",\"path\":\"" + Files.createTempDirectory("outside") + "\"}"))
                .contains("\"path\"", "must be inside the models directory");
        Path noTokenizer = Files.createDirectories(models.resolve(tag + "-bare"));
        Files.copy(brought.resolve("config.json"), noTokenizer.resolve("config.json"));
        Files.copy(brought.resolve("model.safetensors"), noTokenizer.resolve("model.safetensors"));
        assertThat(register(researcher, "{\"name\":\"x\",\"path\":\"" + noTokenizer.getFileName() + "\"}")).contains("no tokenizer file");
        assertThat(register(researcher, "{\"name\":\"x\",\"kind\":\"VALUE\",\"path\":\"" + brought.getFileName() + "\"}")).contains("\"kind\"");
        JsonNode ok = EvaluationFixture.JSON.readTree(register(researcher,
                "{\"name\":\"" + tag + " base\",\"kind\":\"BASE\",\"path\":\"" + brought.getFileName() + "\"}"));
        long base = ok.get("id").asLong();
        String card = mvc.perform(get("/research/models/" + base + "/card.md").with(user(researcher))).andReturn()
                .getResponse().getContentAsString();
        assertThat(card).contains("LlamaForCausalLM", "F32", "Hugging Face tokenizer", "2 layers");

        long snapshot = fixtures.syntheticSnapshot(Files.createTempDirectory(tag), tag);
        for (int i = 0; i < 4; i++) EvaluationFixture.postWithComparison(jdbc, tag, i, "test");
        jdbc.sql("UPDATE batches SET state = 'CLOSED' WHERE state = 'OPEN'").update();
        startWorker("w-llama", Duration.ofSeconds(60));

        long sft = model(launch(Map.of("kind", "SFT", "name", tag + " sft", "baseModelId", "" + base, "steps", "3",
                "batchSize", "2", "warmupSteps", "1", "learningRate", "0.001", "maxPosts", "8", "promptSplit", "train")));
        long rm = model(launch(Map.of("kind", "REWARD_MODEL", "name", tag + " rm", "snapshotId", "" + snapshot,
                "baseModelId", "" + sft, "epochs", "1", "batchSize", "8", "microBatchSize", "8", "learningRate", "0.001",
                "minLearningRate", "0.0001")));
        long policy = model(launch(Map.ofEntries(Map.entry("kind", "PPO"), Map.entry("name", tag + " ppo"),
                Map.entry("baseModelId", "" + sft), Map.entry("rewardModelId", "" + rm), Map.entry("iterations", "2"),
                Map.entry("batchSize", "4"), Map.entry("minibatchSize", "2"), Map.entry("ppoEpochs", "1"),
                Map.entry("responseLength", "8"), Map.entry("maxPromptTokens", "200"), Map.entry("forwardBatchSize", "4"),
                Map.entry("sampleEvery", "0"), Map.entry("maxPosts", "8"), Map.entry("promptSplit", "train"))));
        long evaluationRun = launch(Map.of("kind", "EVALUATION", "name", tag + " evaluation", "baseModelId", "" + policy,
                "rewardModelId", "" + rm, "postCount", "4", "overlapK", "1", "maxNewTokens", "8"));
        succeeded("the evaluation run", evaluationRun, Duration.ofSeconds(120));

        assertThat(architecture(sft)).isEqualTo("LlamaForCausalLM");
        assertThat(architecture(rm)).isEqualTo("LlamaForSequenceClassification");
        assertThat(architecture(policy)).isEqualTo("LlamaForCausalLM");
        assertThat(Path.of(registry.find(policy).orElseThrow().path()).resolve("tokenizer.json")).exists();
        EvaluationStore.Evaluation e = evaluations.byRun(evaluationRun).orElseThrow();
        assertThat(e.policyModelId()).isEqualTo(policy);
        assertThat(evaluations.pairs(e.id())).hasSize(4).allSatisfy(p -> assertThat(p.policyReward()).isNotNull());
        assertThat(e.settings()).contains("policyKl");
    }

    private String register(SignedInUser researcher, String body) throws Exception {
        return mvc.perform(post("/api/models").with(user(researcher)).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                .content(body)).andReturn().getResponse().getContentAsString();
    }

    private long launch(Map<String, String> form) {
        RunLauncher.Result r = launcher.launch(new java.util.HashMap<>(form), null);
        assertThat(r.errors()).as(form.get("kind")).isEmpty();
        return r.runId();
    }

    private long model(long runId) throws InterruptedException {
        return succeeded("the run", runId, Duration.ofSeconds(120)).outputModelId();
    }

    private String architecture(long modelId) throws Exception {
        ModelRegistry.Model m = registry.find(modelId).orElseThrow();
        return EvaluationFixture.JSON.readTree(Files.readString(Path.of(m.path()).resolve("config.json")))
                .get("architectures").get(0).asString();
    }
}
