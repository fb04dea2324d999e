package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.rlhf.lm.Precision;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PPO under mixed precision (float16 compute, which the CPU runs; bfloat16 needs the kit's JNI) against the same run
 * in float32: nearly the same rollout, within half-precision rounding, the first iterations' losses close, and the reward
 * rising as it does in float32, with the master weights float32 throughout.
 */
class PpoMixedPrecisionTest extends TinySftModelTest {

    record Run(PpoTrainer.Rollout first, List<PpoMetrics> history) {}

    static Run run(Precision precision) throws Exception {
        PpoConfig config = TinySetup.config(10, 0.05).with("precision", precision.name());
        List<PpoMetrics> history = new ArrayList<>();
        try (TinyPpo run = TinyPpo.of(config, sft, root, TinySetup.countOfA(), TinySetup.prompts(200, 9))) {
            PpoTrainer.Rollout first = run.trainer().rollout(1);
            run.trainer().addListener(m -> {
                history.add(m);
                System.out.printf("%s it %2d score %.3f kl %.3f pg %.4f vl %.4f skipped %d%n", precision, m.iteration(),
                        m.score(), m.kl(), m.policyLoss(), m.valueLoss(), m.skippedSteps());
            });
            run.trainer().train();
            for (NDArray p : run.policy().namedTensors().values()) assertEquals(DataType.FLOAT32, p.getDataType());
            for (NDArray p : run.value().parameters()) assertEquals(DataType.FLOAT32, p.getDataType());
            return new Run(first, history);
        }
    }

    @Test
    void float16ComputeFollowsTheFloat32Run() throws Exception {
        Run full = run(Precision.FLOAT32), half = run(Precision.FLOAT16);

        // The first rollout: the same draws but for a few rows (float16 moves the sampler's cumulative probabilities by
        // about 1e-3, so a uniform draw that falls that close to a boundary picks the neighbouring token: a handful of
        // rows at most), and up to each row's first differing token, where both runs read the same text, log-probs,
        // reference log-probs and values within float16 rounding.
        int[][] fullDraws = full.first().responses(), halfDraws = half.first().responses();
        int diverged = 0;
        for (int r = 0; r < fullDraws.length; r++) {
            int same = 0;
            while (same < fullDraws[r].length && fullDraws[r][same] == halfDraws[r][same]) same++;
            if (same < fullDraws[r].length) diverged++;
            for (int t = 0; t < Math.min(same, full.first().lengths()[r]); t++) {
                assertEquals(full.first().logProbs()[r][t], half.first().logProbs()[r][t], 2e-2, "log π_old row " + r + " token " + t);
                assertEquals(full.first().refLogProbs()[r][t], half.first().refLogProbs()[r][t], 2e-2, "log π_ref row " + r + " token " + t);
                assertEquals(full.first().values()[r][t], half.first().values()[r][t], 2e-2, "V row " + r + " token " + t);
            }
        }
        assertTrue(diverged <= fullDraws.length / 8, diverged + " of " + fullDraws.length + " rows drew other tokens");
        // The first iteration (nearly the same rollout, the same minibatches): its losses agree to rounding.
        PpoMetrics f = full.history().get(0), h = half.history().get(0);
        // the score is the mean count of 'a': a row that drew other tokens moves it by its length / rows at most
        assertEquals(f.score(), h.score(), 1e-6 + (double) diverged * fullDraws[0].length / fullDraws.length);
        assertEquals(f.policyLoss(), h.policyLoss(), 5e-3);
        assertEquals(f.valueLoss(), h.valueLoss(), 0.02 + 0.05 * Math.abs(f.valueLoss()));

        // Both learn: the mean count of 'a' rises by the margin PpoLearningTest asks for.
        for (Run r : List.of(full, half)) {
            double before = r.history().get(0).score();
            double after = PpoLearningTest.tailMean(r.history(), 5, PpoMetrics::score);
            assertTrue(after > before + 1.5, "mean count of 'a' rose from " + before + " to " + after);
            assertEquals(0, r.history().stream().mapToInt(PpoMetrics::skippedSteps).sum(), "non-finite steps");
        }
    }

    @Test
    void precisionIsAConfigFieldByName() {
        assertEquals(Precision.FLOAT16, PpoConfig.defaults().with("precision", "float16").precision());
        assertEquals(Precision.FLOAT32, PpoConfig.defaults().precision());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PpoConfig.defaults().with("precision", "fp8"));
        assertEquals("PPO config field precision must be one of FLOAT32, BFLOAT16, FLOAT16, was \"fp8\"", e.getMessage());
    }
}
