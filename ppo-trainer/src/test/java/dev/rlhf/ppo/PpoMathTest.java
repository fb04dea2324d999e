package dev.rlhf.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each PPO formula against values worked out by hand (the arithmetic is in the comments). */
class PpoMathTest {

    static final float EPS = 1e-5f;

    @Test
    void gaeByHand() {
        // Row 0, 3 real tokens, γ 0.9, λ 0.8 (γλ = 0.72):
        //   t2: δ = 2 + 0 − 0.1 = 1.9;               A = 1.9
        //   t1: δ = 0 + 0.9·0.1 − 0.2 = −0.11;       A = −0.11 + 0.72·1.9 = 1.258
        //   t0: δ = 1 + 0.9·0.2 − 0.5 = 0.68;        A = 0.68 + 0.72·1.258 = 1.58576
        // Row 1, 2 real tokens then padding:
        //   t1: δ = −1 + 0 − 2 = −3;                 A = −3
        //   t0: δ = 0.5 + 0.9·2 − 1 = 1.3;           A = 1.3 + 0.72·(−3) = −0.86
        float[][] rewards = {{1, 0, 2}, {0.5f, -1, 0}};
        float[][] values = {{0.5f, 0.2f, 0.1f}, {1, 2, 0}};
        float[][][] out = PpoMath.gae(rewards, values, new int[] {3, 2}, 0.9, 0.8);
        assertArrayEquals(new float[] {1.58576f, 1.258f, 1.9f}, out[0][0], EPS);
        assertArrayEquals(new float[] {-0.86f, -3f, 0f}, out[0][1], EPS);
        assertArrayEquals(new float[] {2.08576f, 1.458f, 2.0f}, out[1][0], EPS);   // R = A + V
        assertArrayEquals(new float[] {0.14f, -1f, 0f}, out[1][1], EPS);
    }

    @Test
    void gaeWithTheDefaultsIsTheDiscountedSumWhenValuesAreZero() {
        // γ 1, λ 0.95, V = 0: A_t = Σ_k 0.95^k r_{t+k}; r = (0, 0, 1) → (0.9025, 0.95, 1)
        float[][][] out = PpoMath.gae(new float[][] {{0, 0, 1}}, new float[][] {{0, 0, 0}}, new int[] {3}, 1, 0.95);
        assertArrayEquals(new float[] {0.9025f, 0.95f, 1f}, out[0][0], EPS);
    }

    @Test
    void whiteningUsesTheRealTokensOnly() {
        // Real values 1, 2, 3, 4: mean 2.5, unbiased variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3, std 1.2909944
        float[][] w = PpoMath.whiten(new float[][] {{1, 2, 3}, {4, 99, 99}}, new int[] {3, 1});
        double s = Math.sqrt(5.0 / 3 + 1e-8);
        assertArrayEquals(new float[] {(float) (-1.5 / s), (float) (-0.5 / s), (float) (0.5 / s)}, w[0], EPS);
        assertArrayEquals(new float[] {(float) (1.5 / s), 0, 0}, w[1], EPS);
        assertEquals(-1.161895f, w[0][0], EPS);
    }

    @Test
    void rewardWhiteningKeepsTheMean() {
        // The same real values 1, 2, 3, 4 (mean 2.5, std s = 1.2909944), mean kept: (x − 2.5)/s + 2.5 =
        //   1 → −1.161895 + 2.5 = 1.338105;  2 → −0.387298 + 2.5 = 2.112702;  3 → 2.887298;  4 → 3.661895
        float[][] x = {{1, 2, 3}, {4, 99, 99}};
        float[][] w = PpoMath.whiten(x, new int[] {3, 1}, false);
        assertArrayEquals(new float[] {1.338105f, 2.112702f, 2.887298f}, w[0], EPS);
        assertArrayEquals(new float[] {3.661895f, 0, 0}, w[1], EPS);     // padding stays 0
        // shifting the mean is the advantages' whitening
        assertArrayEquals(PpoMath.whiten(x, new int[] {3, 1})[0], PpoMath.whiten(x, new int[] {3, 1}, true)[0]);
        assertArrayEquals(new float[] {1, 2, 3}, x[0]);                  // the input is not changed
    }

    @Test
    void shapedRewardsKlPenaltyAndFinalScore() {
        // β 0.1: r0 = −0.1·(−1 − (−1.5)) = −0.05; r1 = −0.1·(−2 − (−1)) + 3 = 3.1; padding 0
        float[][] r = PpoMath.shapedRewards(new float[][] {{-1, -2, 0}}, new float[][] {{-1.5f, -1, 0}},
                new float[] {3}, new int[] {2}, 0.1);
        assertArrayEquals(new float[] {-0.05f, 3.1f, 0f}, r[0], EPS);
        assertEquals(-0.5, PpoMath.sequenceKl(new float[][] {{-1, -2, 0}}, new float[][] {{-1.5f, -1, 0}},
                new int[] {2})[0], 1e-9); // (−1 + 1.5) + (−2 + 1) = −0.5
    }

    @Test
    void missingEosPenaltyReplacesExactlyTheRowsWithoutEos() {
        float[] out = PpoMath.applyMissingEosPenalty(new float[] {0.5f, 2f, -3f, 7f},
                new boolean[] {true, false, true, false}, -1);
        assertArrayEquals(new float[] {0.5f, -1f, -3f, -1f}, out);
        assertThrows(IllegalArgumentException.class,
                () -> PpoMath.applyMissingEosPenalty(new float[2], new boolean[3], -1));
    }

    @Test
    void explainedVarianceByHand() {
        // R = (1, 2, 3), V = (1, 2, 2): R − V = (0, 0, 1), Var = 2/9; Var(R) = 2/3 → 1 − (2/9)/(2/3) = 2/3
        double ev = PpoMath.explainedVariance(new float[][] {{1, 2, 2, 0}}, new float[][] {{1, 2, 3, 5}}, new int[] {3});
        assertEquals(2.0 / 3, ev, 1e-6);
    }

    @Test
    void clippedPolicyLossAndItsGradient() {
        // ε 0.2, mask [[1, 1, 0], [1, 1, 0]], ρ = exp(log π − log π_old):
        //   row 0, A = 1:  ρ 1.5 → max(−1.5, −1.2) = −1.2 (clipped: no gradient); ρ 0.5 → max(−0.5, −0.8) = −0.5
        //   row 1, A = −2: ρ 1.5 → max(3, 2.4) = 3; ρ 0.5 → max(1, 1.6) = 1.6 (clipped: no gradient)
        //   loss = (−1.2 − 0.5 + 3 + 1.6) / 4 = 0.725
        // d loss / d log π = −A·ρ / 4 where the unclipped term is taken: row 0 t1 −0.125, row 1 t0 0.75, else 0.
        try (NDManager m = NDManager.newBaseManager()) {
            float l15 = (float) Math.log(1.5), l05 = (float) Math.log(0.5);
            NDArray logp = m.create(new float[] {l15, l05, 7, l15, l05, -7}, new Shape(2, 3));
            NDArray old = m.zeros(new Shape(2, 3));
            NDArray adv = m.create(new float[] {1, 1, 5, -2, -2, 0}, new Shape(2, 3));
            NDArray mask = m.create(new float[] {1, 1, 0, 1, 1, 0}, new Shape(2, 3));
            logp.setRequiresGradient(true);
            float loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = PpoMath.policyLoss(logp, old, adv, mask, 0.2);
                gc.backward(l);
                loss = l.getFloat();
            }
            assertEquals(0.725f, loss, EPS);
            assertArrayEquals(new float[] {0, -0.125f, 0, 0.75f, 0, 0}, logp.getGradient().toFloatArray(), EPS);
        }
    }

    @Test
    void clippedValueLossByHand() {
        // ε_v 0.2: t0: V 1, V_old 0.5 → V_clip 0.7, R 2: max((1−2)², (0.7−2)²) = 1.69
        //          t1: V 0, V_old 0.5 → V_clip 0.3, R 1: max((0−1)², (0.3−1)²) = 1
        //          t2 masked.  loss = ½·(1.69 + 1)/2 = 0.6725
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.create(new float[] {1, 0, 9}, new Shape(1, 3));
            NDArray old = m.create(new float[] {0.5f, 0.5f, 0}, new Shape(1, 3));
            NDArray ret = m.create(new float[] {2, 1, -9}, new Shape(1, 3));
            NDArray mask = m.create(new float[] {1, 1, 0}, new Shape(1, 3));
            assertEquals(0.6725f, PpoMath.valueLoss(v, old, ret, mask, 0.2).getFloat(), EPS);
        }
    }

    @Test
    void adaptiveKlControllerByHand() {
        // β 0.05, target 6, horizon 10000, n 64:
        //   KL 9   → e = clip(0.5) = 0.2   → β·(1 + 0.2·64/10000)  = 0.05·1.00128 = 0.050064
        //   KL 6.6 → e = 0.1               → β·1.00064
        //   KL 3   → e = clip(−0.5) = −0.2 → β·(1 − 0.00128)
        AdaptiveKlController c = new AdaptiveKlController(0.05, true, 6, 10_000);
        assertEquals(0.050064, c.update(9, 64), 1e-12);
        assertEquals(0.050064 * 1.00064, c.update(6.6, 64), 1e-12);
        assertEquals(0.050064 * 1.00064 * (1 - 0.00128), c.update(3, 64), 1e-12);
        AdaptiveKlController fixed = new AdaptiveKlController(0.05, false, 6, 10_000);
        assertEquals(0.05, fixed.update(100, 64));
    }

    @Test
    void configDefaultsAndValidationNameTheField() {
        PpoConfig d = PpoConfig.defaults();
        assertEquals(0.05, d.klCoef());
        assertEquals(1.0, d.gamma());
        assertEquals(0.95, d.lambda());
        assertEquals(0.2, d.clipRange());
        assertEquals(0.2, d.valueClipRange());
        assertEquals(0.1, d.valueCoef());
        assertEquals(4, d.ppoEpochs());
        assertEquals(0.7, d.temperature());
        assertEquals(53, d.responseLength());
        assertEquals(6, d.klTarget());
        assertEquals(10_000, d.klHorizon());
        assertTrue(d.penalizeMissingEos());
        assertFalse(d.whitenRewards());
        assertTrue(d.with("whitenRewards", "true").whitenRewards());
        IllegalArgumentException bool = assertThrows(IllegalArgumentException.class, () -> d.with("whitenRewards", "yes"));
        assertTrue(bool.getMessage().contains("whitenRewards must be true or false"), bool.getMessage());
        assertEquals(0.3, d.with("clipRange", "0.3").clipRange());
        assertTrue(d.with("adaptiveKl", "true").adaptiveKl());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.with("clipRange", "1.5"));
        assertTrue(e.getMessage().contains("clipRange"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.with("minibatchSize", "10"));
        assertTrue(e.getMessage().contains("minibatchSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.with("gamma", "abc"));
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.with("nope", "1"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        // the linear schedule reaches 0 at the last optimizer step
        PpoConfig c = d.with(java.util.Map.of("iterations", "2", "batchSize", "4", "minibatchSize", "2", "ppoEpochs", "1"));
        assertEquals(4, c.totalOptimizerSteps());
        assertEquals(0.5e-5, c.learningRateAt(2), 1e-15);
    }
}
