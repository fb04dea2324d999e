package dev.rlhf.ppo;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.LlamaConfig;
import dev.rlhf.lm.SftConfig;
import dev.rlhf.lm.SftTrainer;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.io.SafeTensors;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.Preference;
import dev.rlhf.reward.RewardConfig;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole loop on a tiny untied Llama with grouped-query attention (byte-level vocabulary): SFT, a reward model
 * initialised from the SFT model, and PPO iterations from the saved directories, each with its loss falling. The
 * trainers only see {@code CausalLm}: nothing here is Llama-specific but the config.
 */
class LlamaPipelineTest {

    static final LlamaConfig TINY = new LlamaConfig("llama", ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 8, 32, 1e-6,
            10000.0, null, false, false, false, null, 0.02, null, ByteTokenizer.EOS_ID, null);

    static double mean(List<Double> xs, int from, int to) {
        return xs.subList(from, to).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Test
    void sftRewardModelAndPpoRunOnALlama(@TempDir Path tmp) throws Exception {
        ByteTokenizer tok = new ByteTokenizer();
        Path sftDir = tmp.resolve("sft"), rmDir = tmp.resolve("rm");
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            // SFT
            List<Double> sftLoss = new ArrayList<>();
            try (CausalLm model = TINY.newModel(root, 11);
                 SftTrainer t = new SftTrainer(model, SftConfig.defaults().withLearningRate(3e-3, 3e-4).withSteps(60, 5)
                         .withBatch(32, 1))) {
                t.addListener(p -> sftLoss.add(p.loss()));
                t.train(TinySetup.sftData(2000));
                HfCheckpoint.save(sftDir, model.config(), model.namedTensors(), java.util.Map.of(), tok);
            }
            assertTrue(mean(sftLoss, 55, 60) < 0.5 * mean(sftLoss, 0, 5), "SFT loss " + sftLoss);
            assertEquals("LlamaForCausalLM", arch(sftDir));

            // reward model: prefers responses with more 'a'
            List<Double> rmLoss = new ArrayList<>();
            Random r = new Random(4);
            List<Preference> prefs = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                String a = "a".repeat(2 + r.nextInt(3)) + "bc", b = "bc" + "d".repeat(2 + r.nextInt(3));
                boolean first = r.nextBoolean();
                prefs.add(new Preference("p" + i, "xyz>", List.of(first ? a : b, first ? b : a), first ? 0 : 1, 1, 0,
                        "w", null, null));
            }
            try (RewardModel rm = RewardModel.initFrom(sftDir, root, 3);
                 RewardTrainer t = new RewardTrainer(rm, tok, RewardConfig.defaults().withLearningRate(1e-3, 1e-4)
                         .withBatch(16, 16).withEpochs(2))) {
                t.addListener(p -> rmLoss.add(p.loss()));
                t.train(prefs);
                rm.save(rmDir, tok);
            }
            assertTrue(mean(rmLoss, rmLoss.size() - 4, rmLoss.size()) < 0.5 * mean(rmLoss, 0, 4), "reward loss " + rmLoss);
            assertEquals("LlamaForSequenceClassification", arch(rmDir));
            try (SafeTensors st = SafeTensors.open(rmDir.resolve(HfCheckpoint.WEIGHTS_FILE))) {
                assertTrue(st.contains("score.weight"));
                assertFalse(st.contains("lm_head.weight"), "a sequence classifier holds no LM head");
            }

            // PPO from the two directories, rewarded by the reward model
            List<PpoMetrics> metrics = new ArrayList<>();
            try (PpoModels models = PpoModels.load(sftDir, rmDir, root);
                 PpoTrainer ppo = new PpoTrainer(TinySetup.config(4, 0.05), models.policy(), models.reference(),
                         models.value(), new RewardModelFunction(models.rewardModel(), 32), tok,
                         TinySetup.prompts(64, 1))) {
                for (int i = 0; i < 4; i++) metrics.add(ppo.step());
                ppo.saveCheckpoint(tmp.resolve("ppo"));
            }
            System.out.printf(java.util.Locale.ROOT, "SFT loss %.3f -> %.3f, reward loss %.3f -> %.3f, PPO value loss %.4f -> %.4f,"
                            + " score %.3f -> %.3f%n", mean(sftLoss, 0, 5), mean(sftLoss, 55, 60), mean(rmLoss, 0, 4),
                    mean(rmLoss, rmLoss.size() - 4, rmLoss.size()), metrics.get(0).valueLoss(), metrics.get(3).valueLoss(),
                    metrics.get(0).score(), metrics.get(3).score());
            for (PpoMetrics m : metrics) {
                assertEquals(0, m.skippedSteps(), "no step skipped: " + m);
                assertTrue(Double.isFinite(m.policyLoss()) && Double.isFinite(m.valueLoss()), m.toString());
            }
            assertTrue(metrics.get(3).valueLoss() < metrics.get(0).valueLoss(), "value loss " + metrics);
            assertTrue(metrics.get(3).score() > metrics.get(0).score(), "reward-model score " + metrics);
            Path checkpoint = PpoCheckpoint.latest(tmp.resolve("ppo")).orElseThrow();
            assertEquals("LlamaForCausalLM", arch(checkpoint.resolve(PpoCheckpoint.POLICY_DIR)));
            assertEquals("LlamaForSequenceClassification", arch(checkpoint.resolve(PpoCheckpoint.VALUE_DIR)));
        }
    }

    static String arch(Path dir) throws Exception {
        JsonObject o = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        return o.getAsJsonArray("architectures").get(0).getAsString();
    }
}
