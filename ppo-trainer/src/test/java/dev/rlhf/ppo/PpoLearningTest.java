package dev.rlhf.ppo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on a tiny byte-level GPT-2 with a known reward (the number of 'a' bytes in the response): PPO must raise
 * the mean reward clearly while the KL to the reference stays in a band, and a large β must keep the policy much
 * closer to the reference than a small one.
 */
class PpoLearningTest extends TinySftModelTest {
    static List<PpoMetrics> run(PpoConfig config) throws Exception {
        List<PpoMetrics> history = new ArrayList<>();
        try (TinyPpo run = TinyPpo.of(config, sft, root, TinySetup.countOfA(), TinySetup.prompts(200, 9))) {
            run.trainer().addListener(m -> {
                history.add(m);
                System.out.printf("it %2d score %.3f kl %.3f total %.3f ent %.3f pg %.4f vl %.4f clip %.3f akl %.4f ev %.3f len %.2f eos %.2f β %.4f skipped %d %.2fs (gen %.2f score %.2f upd %.2f)%n",
                        m.iteration(), m.score(), m.kl(), m.totalReward(), m.entropy(), m.policyLoss(), m.valueLoss(),
                        m.clipFraction(), m.approxKl(), m.explainedVariance(), m.responseLength(), m.eosFraction(),
                        m.beta(), m.skippedSteps(), m.seconds(), m.generationSeconds(), m.scoringSeconds(), m.updateSeconds());
            });
            run.trainer().train();
        }
        return history;
    }

    static double tailMean(List<PpoMetrics> h, int n, java.util.function.ToDoubleFunction<PpoMetrics> f) {
        return h.subList(h.size() - n, h.size()).stream().mapToDouble(f).average().orElseThrow();
    }

    @Test
    void raisesTheRewardWithinAKlBandAndLargeBetaStaysClose() throws Exception {
        long start = System.nanoTime();
        List<PpoMetrics> small = run(TinySetup.config(10, 0.05));
        List<PpoMetrics> large = run(TinySetup.config(10, 2.0));
        System.out.printf("both runs: %.1f s%n", (System.nanoTime() - start) / 1e9);

        double before = small.get(0).score();
        double after = tailMean(small, 5, PpoMetrics::score);
        double kl = tailMean(small, 5, PpoMetrics::kl);
        assertTrue(after > before + 1.5, "mean count of 'a' rose from " + before + " to " + after);
        assertTrue(kl > 0.5 && kl < 25, "KL to the reference with β 0.05: " + kl);
        double klLarge = tailMean(large, 5, PpoMetrics::kl);
        assertTrue(klLarge < 0.3 * kl, "KL with β 2: " + klLarge + ", with β 0.05: " + kl);
        assertTrue(small.get(small.size() - 1).eosFraction() > 0.5, "responses still end with EOS");
        int skipped = 0;
        for (PpoMetrics m : small) skipped += m.skippedSteps();
        for (PpoMetrics m : large) skipped += m.skippedSteps();
        assertEquals(0, skipped, "optimizer steps with a non-finite gradient norm");
    }
}
