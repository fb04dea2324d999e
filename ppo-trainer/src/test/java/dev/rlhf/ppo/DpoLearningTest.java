package dev.rlhf.ppo;

import dev.rlhf.dpo.DpoConfig;
import dev.rlhf.dpo.DpoExample;
import dev.rlhf.dpo.DpoMetrics;
import dev.rlhf.dpo.DpoTrainer;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DPO on the tiny byte-level model with a known preference (the response with more 'a' bytes is chosen): the loss
 * must fall from log 2, the implicit reward must rank held-out pairs as the rule does, and the policy's own samples
 * must hold more 'a' than the reference's; a resumed run must end with the same bits as one that never stopped.
 */
class DpoLearningTest extends TinySftModelTest {

    /** {@code n} pairs "xyz>" → two different responses; the one with more 'a' is chosen (seeded). */
    static List<DpoExample> pairs(int n, long seed) {
        Random r = new Random(seed);
        List<DpoExample> out = new ArrayList<>();
        while (out.size() < n) {
            int[] prompt = TinySetup.prompt(r);
            int[] x = response(r), y = response(r);
            int ax = countOfA(x), ay = countOfA(y);
            if (ax == ay) continue;                                            // no preference: a tie
            out.add(new DpoExample("p" + out.size(), prompt, ax > ay ? x : y, ax > ay ? y : x));
        }
        return out;
    }

    private static int[] response(Random r) {
        int len = 3 + r.nextInt(6);
        int[] t = new int[len + 1];
        for (int j = 0; j < len; j++) t[j] = TinySetup.LETTERS.charAt(r.nextInt(8));
        t[len] = ByteTokenizer.EOS_ID;
        return t;
    }

    private static int countOfA(int[] tokens) {
        int c = 0;
        for (int t : tokens) if (t == 'a') c++;
        return c;
    }

    static DpoConfig config(String loss, double beta, int steps) {
        return DpoConfig.defaults().with(Map.of("loss", loss, "beta", "" + beta, "steps", "" + steps, "batchSize", "16",
                "learningRate", "1e-3", "minLearningRate", "1e-4", "warmupSteps", "5", "maxLength", "24",
                "checkpointEvery", "10", "seed", "4"));
    }

    /** Mean count of 'a' in 64 samples at temperature 1 (seeded). */
    static double meanA(CausalLm model) {
        Sampler.Result res = new Sampler(model).generate(TinySetup.prompts(64, 8).toArray(int[][]::new),
                SamplingConfig.of(10, 1.0, 17));
        double a = 0;
        for (int r = 0; r < 64; r++) for (int t = 0; t < res.lengths()[r]; t++) if (res.tokens()[r][t] == 'a') a++;
        return a / 64;
    }

    @Test
    void sigmoidLossLearnsThePreferenceAndMovesThePolicy() throws Exception {
        List<DpoMetrics> history = new ArrayList<>();
        try (CausalLm policy = PpoModels.copyOf(sft, root); CausalLm reference = PpoModels.copyOf(sft, root);
             DpoTrainer trainer = new DpoTrainer(config("sigmoid", 0.5, 40), policy, reference, TinySetup.TOKENIZER)) {
            trainer.addListener(history::add);
            DpoMetrics.Validation before = trainer.validate(pairs(200, 2));
            DpoMetrics.Validation after = trainer.train(pairs(800, 1), pairs(200, 2));
            double aRef = meanA(reference), aPolicy = meanA(policy);
            System.out.printf("DPO sigmoid: loss %.4f → %.4f, validation accuracy %.3f → %.3f, margin %.3f; 'a' per sample %.2f → %.2f%n",
                    history.get(0).loss(), history.get(history.size() - 1).loss(), before.accuracy(), after.accuracy(),
                    after.margin(), aRef, aPolicy);
            assertEquals(Math.log(2), history.get(0).loss(), 1e-5, "policy = reference at the first step: loss log 2");
            assertEquals(0, before.accuracy(), "h = 0 for every pair before training");
            double lateLoss = history.subList(30, 40).stream().mapToDouble(DpoMetrics::loss).average().orElseThrow();
            assertTrue(lateLoss < 0.45, "loss of the last 10 steps: " + lateLoss);
            assertTrue(after.accuracy() > 0.85, "held-out pairs ranked as the rule does: " + after.accuracy());
            assertTrue(after.margin() > 0, "mean held-out margin " + after.margin());
            assertTrue(history.get(39).rewardsChosen() > history.get(39).rewardsRejected());
            assertTrue(aPolicy > aRef + 1.0, "'a' per sample: reference " + aRef + ", DPO policy " + aPolicy);
            assertEquals(0, history.get(39).skippedSteps());
        }
    }

    @Test
    void ipoLossLearnsThePreferenceToo() throws Exception {
        try (CausalLm policy = PpoModels.copyOf(sft, root); CausalLm reference = PpoModels.copyOf(sft, root);
             DpoTrainer trainer = new DpoTrainer(config("ipo", 1.0, 30), policy, reference, TinySetup.TOKENIZER)) {
            List<DpoMetrics> history = new ArrayList<>();
            trainer.addListener(history::add);
            DpoMetrics.Validation after = trainer.train(pairs(800, 1), pairs(200, 2));
            double first = history.get(0).loss(), target = 1 / (2 * 1.0);
            assertEquals(target * target, first, 1e-3, "h = 0 at the first step: (0 − 1/(2β))²");
            assertTrue(history.get(29).loss() < 0.5 * first, "ipo loss " + first + " → " + history.get(29).loss());
            assertTrue(after.accuracy() > 0.85, "held-out accuracy " + after.accuracy());
        }
    }

    @Test
    void resumedRunEndsWithTheSameBits(@TempDir Path dir) throws Exception {
        DpoConfig config = config("sigmoid", 0.1, 20);
        List<DpoExample> train = pairs(100, 1);
        byte[] straight;
        try (CausalLm policy = PpoModels.copyOf(sft, root); CausalLm reference = PpoModels.copyOf(sft, root);
             DpoTrainer trainer = new DpoTrainer(config, policy, reference, TinySetup.TOKENIZER)) {
            trainer.checkpointDir(dir.resolve("a")).train(train, List.of());
            straight = Files.readAllBytes(dir.resolve("a/checkpoint-000020/model.safetensors"));
        }
        try (CausalLm policy = PpoModels.copyOf(sft, root); CausalLm reference = PpoModels.copyOf(sft, root);
             DpoTrainer trainer = new DpoTrainer(config, policy, reference, TinySetup.TOKENIZER)) {
            trainer.resume(dir.resolve("a/checkpoint-000010"));
            assertEquals(10, trainer.steps());
            trainer.checkpointDir(dir.resolve("b")).train(train, List.of());
        }
        assertArrayEquals(straight, Files.readAllBytes(dir.resolve("b/checkpoint-000020/model.safetensors")),
                "resumed at step 10 → the weights of the run that never stopped");
    }
}
