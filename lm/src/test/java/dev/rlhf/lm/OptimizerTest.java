package dev.rlhf.lm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OptimizerTest {

    /** Three AdamW steps on f(w) = Σ c_i·w_i² match a scalar reference written from the paper's equations. */
    @Test
    void adamWMatchesReference() {
        double lr = 0.1, b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.1;
        float[] w0 = {0.5f, -1.5f, 2.0f, 0.25f};
        float[] c = {1f, 2f, -0.5f, 3f};
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             AdamW opt = new AdamW(root, b1, b2, eps, wd)) {
            NDArray w = root.create(w0, new ai.djl.ndarray.types.Shape(2, 2));
            w.setRequiresGradient(true);
            double[] rw = new double[4], m = new double[4], v = new double[4];
            for (int i = 0; i < 4; i++) rw[i] = w0[i];
            for (int step = 1; step <= 3; step++) {
                try (NDManager s = root.newSubManager()) {
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        gc.backward(w.square().mul(s.create(c, w.getShape())).sum());
                    }
                    opt.step(List.of(w), lr, s);
                    float[] g = Gradients.of(w, s).toFloatArray();
                    assertArrayEquals(new float[4], g, "the update zeroes the gradient");
                }
                for (int i = 0; i < 4; i++) {
                    double g = 2 * c[i] * rw[i];
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double mh = m[i] / (1 - Math.pow(b1, step)), vh = v[i] / (1 - Math.pow(b2, step));
                    rw[i] -= lr * (mh / (Math.sqrt(vh) + eps) + wd * rw[i]);
                }
            }
            float[] got = w.toFloatArray();
            for (int i = 0; i < 4; i++) assertEquals(rw[i], got[i], 1e-5, "w[" + i + "]");
        }
    }

    /** A step whose gradient norm is not finite leaves the weights as they were, zeroes the gradients, and is counted. */
    @Test
    void aNonFiniteGradientNeverReachesTheWeights() {
        try (NDManager m = NDManager.newBaseManager(Devices.best(), "PyTorch");
             AdamW opt = new AdamW(m, 0.9, 0.999, 1e-8, 0.0)) {
            NDArray w = m.create(new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector gc = Devices.engine().newGradientCollector()) {
                gc.backward(w.mul(Float.NaN).sum());                                   // ∂/∂w = NaN
            }
            double norm = Gradients.globalNorm(java.util.List.of(w), m);
            assertTrue(Double.isNaN(norm));
            assertFalse(opt.stepIfFinite(java.util.List.of(w), norm, 0.1, m));
            assertArrayEquals(new float[] {1f, 2f, 3f}, w.toFloatArray(), 0f);
            assertArrayEquals(new float[] {0f, 0f, 0f}, w.getGradient().toFloatArray(), 0f);
            assertEquals(1, opt.skipped());
            assertEquals(0, opt.steps());

            try (ai.djl.training.GradientCollector gc = Devices.engine().newGradientCollector()) {
                gc.backward(w.sum());                                                  // ∂/∂w = 1
            }
            assertTrue(opt.stepIfFinite(java.util.List.of(w), Gradients.globalNorm(java.util.List.of(w), m), 0.1, m));
            assertTrue(w.toFloatArray()[0] < 1f);
            assertEquals(1, opt.skipped());
        }
    }
}
