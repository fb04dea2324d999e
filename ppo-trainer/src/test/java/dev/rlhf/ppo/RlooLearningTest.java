package dev.rlhf.ppo;

import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.GPT2;
import dev.rlhf.rloo.RlooConfig;
import dev.rlhf.rloo.RlooMath;
import dev.rlhf.rloo.RlooMetrics;
import dev.rlhf.rloo.RlooTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RLOO on the tiny byte-level model with a known reward (the number of 'a' bytes): both objectives must raise the
 * reward clearly, a large β must keep the policy closer to the reference, and a resumed run must end with the bits of
 * one that never stopped.
 */
class RlooLearningTest extends TinySftModelTest {

    static RlooConfig config(String objective, int iterations, double beta) {
        return RlooConfig.defaults().with(TinySetup.fields("iterations", "" + iterations, "batchSize", "8",
                "samplesPerPrompt", "4", "minibatchSize", "16", "epochs", "2", "objective", objective,
                "responseLength", "12", "learningRate", "1e-3", "lrSchedule", "constant", "klCoef", "" + beta,
                "forwardBatchSize", "32", "checkpointEvery", "2", "seed", "3"));
    }

    static List<RlooMetrics> run(RlooConfig config) throws Exception {
        List<RlooMetrics> history = new ArrayList<>();
        try (CausalLm policy = PpoModels.copyOf(sft, root); CausalLm reference = PpoModels.copyOf(sft, root);
             RlooTrainer trainer = new RlooTrainer(config, policy, reference, TinySetup.countOfA(), TinySetup.TOKENIZER,
                     TinySetup.prompts(200, 9))) {
            trainer.addListener(m -> {
                history.add(m);
                System.out.printf("%s it %2d score %.3f kl %.3f R %.3f ent %.3f loss %.4f clip %.3f akl %.4f len %.2f eos %.2f %.2fs%n",
                        config.objective(), m.iteration(), m.score(), m.kl(), m.sequenceReward(), m.entropy(), m.loss(),
                        m.clipFraction(), m.approxKl(), m.responseLength(), m.eosFraction(), m.seconds());
            });
            trainer.train();
        }
        return history;
    }

    static double tailMean(List<RlooMetrics> h, int n, java.util.function.ToDoubleFunction<RlooMetrics> f) {
        return h.subList(h.size() - n, h.size()).stream().mapToDouble(f).average().orElseThrow();
    }

    @Test
    void leaveOneOutBaselineIsTheMeanOfTheOthers() {
        double[] a = RlooMath.leaveOneOutAdvantages(new double[] {1, 2, 3, 6, 0, 0, 0, 4}, 4);
        assertArrayEquals(new double[] {1 - 11 / 3.0, 2 - 10 / 3.0, 3 - 9 / 3.0, 6 - 6 / 3.0, -4 / 3.0, -4 / 3.0, -4 / 3.0, 4},
                a, 1e-12);
        double[] r = RlooMath.sequenceRewards(new float[] {1f, 2f}, new double[] {3, -1}, 0.5);
        assertArrayEquals(new double[] {1 - 1.5, 2 + 0.5}, r, 1e-12);
    }

    @Test
    void bothObjectivesRaiseTheRewardAndLargeBetaStaysClose() throws Exception {
        List<RlooMetrics> reinforce = run(config("reinforce", 10, 0.05));
        List<RlooMetrics> clipped = run(config("clipped", 10, 0.05));
        List<RlooMetrics> large = run(config("reinforce", 10, 2.0));
        for (List<RlooMetrics> h : List.of(reinforce, clipped)) {
            double before = h.get(0).score(), after = tailMean(h, 3, RlooMetrics::score);
            assertTrue(after > before + 1.5, "mean count of 'a' rose from " + before + " to " + after);
            assertTrue(h.get(h.size() - 1).eosFraction() > 0.5, "responses still end with EOS");
            assertEquals(0, h.stream().mapToInt(RlooMetrics::skippedSteps).sum());
        }
        assertTrue(clipped.stream().anyMatch(m -> m.clipFraction() > 0), "the clipped objective clipped something");
        assertEquals(0, reinforce.stream().mapToDouble(RlooMetrics::clipFraction).sum(), "reinforce never clips");
        double kl = tailMean(reinforce, 3, RlooMetrics::kl), klLarge = tailMean(large, 3, RlooMetrics::kl);
        assertTrue(klLarge < 0.5 * kl, "KL with β 2: " + klLarge + ", with β 0.05: " + kl);
    }

    @Test
    void resumedRunEndsWithTheSameBits(@TempDir Path dir) throws Exception {
        RlooConfig config = config("clipped", 4, 0.05);
        try (CausalLm policy = PpoModels.copyOf(sft, root); CausalLm reference = PpoModels.copyOf(sft, root);
             RlooTrainer t = new RlooTrainer(config, policy, reference, TinySetup.countOfA(), TinySetup.TOKENIZER,
                     TinySetup.prompts(200, 9))) {
            t.checkpointDir(dir.resolve("a")).train();
        }
        try (CausalLm policy = PpoModels.copyOf(sft, root); CausalLm reference = PpoModels.copyOf(sft, root);
             RlooTrainer t = new RlooTrainer(config, policy, reference, TinySetup.countOfA(), TinySetup.TOKENIZER,
                     TinySetup.prompts(200, 9))) {
            t.resume(dir.resolve("a/checkpoint-000002"));
            assertEquals(2, t.iteration());
            t.checkpointDir(dir.resolve("b")).train();
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/checkpoint-000004/model.safetensors")),
                Files.readAllBytes(dir.resolve("b/checkpoint-000004/model.safetensors")),
                "resumed at iteration 2 → the weights of the run that never stopped");
    }
}
