package dev.rlhf.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW against {@code torch.optim.AdamW}: {@code adamw-torch.json} (made by
 * {@code src/test/python/make_adamw_fixture.py}) holds torch's float32 weights and moments after each of six steps
 * with gradients of order 1e-4, ε 1e-5, β (0.9, 0.999), weight decay 0.1 on the matrix and none on the bias.
 */
class OptimizerTest {

    /**
     * Largest allowed difference, in float32 ulps of the magnitude involved: of torch's weight; for a moment, of the
     * largest term (β·previous or (1−β)·new) its updates have had so far: torch's CPU kernels fuse that multiply-add
     * and ours round twice, which shows as many ulps of a moment where the two terms cancel (and is carried on).
     */
    static final double MAX_ULPS = 4;
    /** Largest allowed absolute difference of a weight (weights are about 0.02 here, an ulp ≈ 2e-9). */
    static final double MAX_ABS = 1e-8;

    static JsonObject fixture;
    static double b1, b2, eps;
    static List<String> names;

    @BeforeAll
    static void readFixture() throws IOException {
        try (InputStream in = OptimizerTest.class.getResourceAsStream("/adamw-torch.json")) {
            fixture = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
        b1 = fixture.getAsJsonArray("betas").get(0).getAsDouble();
        b2 = fixture.getAsJsonArray("betas").get(1).getAsDouble();
        eps = fixture.get("eps").getAsDouble();
        names = new ArrayList<>();
        for (var t : fixture.getAsJsonArray("tensors")) names.add(t.getAsJsonObject().get("name").getAsString());
    }

    static JsonObject tensor(String name) {
        for (var t : fixture.getAsJsonArray("tensors")) {
            if (t.getAsJsonObject().get("name").getAsString().equals(name)) return t.getAsJsonObject();
        }
        throw new AssertionError(name);
    }

    static float[] floats(JsonArray a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).getAsDouble();   // exact: written from float32
        return f;
    }

    static Shape shape(String name) {
        JsonArray s = tensor(name).getAsJsonArray("shape");
        long[] dims = new long[s.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = s.get(i).getAsLong();
        return new Shape(dims);
    }

    static JsonObject expected(int step, String name) {
        return fixture.getAsJsonArray("steps").get(step - 1).getAsJsonObject().getAsJsonObject("tensors")
                .getAsJsonObject(name);
    }

    /** Largest differences seen so far: of a weight, absolute and in ulps; of a moment, in ulps of its terms. */
    double maxAbs, maxUlps, maxMomentUlps;

    /** Checks {@code got} against torch's {@code want}, element by element, in ulps of {@code scale}. */
    void compare(String what, float[] want, float[] got, float[] scale) {
        boolean weight = what.endsWith(".param");
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs((double) got[i] - want[i]);
            double ulps = diff / Math.ulp(Math.max(Math.abs(scale[i]), Float.MIN_NORMAL));
            if (weight) {
                maxAbs = Math.max(maxAbs, diff);
                maxUlps = Math.max(maxUlps, ulps);
            } else {
                maxMomentUlps = Math.max(maxMomentUlps, ulps);
            }
            assertTrue(ulps <= MAX_ULPS, what + "[" + i + "]: torch " + want[i] + ", ours " + got[i] + " (" + ulps + " ulps)");
            if (weight) assertTrue(diff <= MAX_ABS, what + "[" + i + "]: |Δ| = " + diff);
        }
    }

    /** Raises {@code seen} to the larger of |a·x| and |b·y| per element (the terms of a moment's update); returns it. */
    static float[] terms(float[] seen, double a, float[] x, double b, float[] y) {
        for (int i = 0; i < seen.length; i++) {
            seen[i] = (float) Math.max(seen[i], Math.max(Math.abs(a * x[i]), Math.abs(b * y[i])));
        }
        return seen;
    }

    /**
     * Six steps with the fixture's gradients and learning rates; after every step the weights, m and v equal
     * torch's, every gradient is zero, and no array is left besides the weights and their moments. With
     * {@code resumeAfter} > 0 the optimizer is saved after that step and the rest runs on a fresh one loaded from
     * the file.
     */
    void followTorch(int resumeAfter, Path dir) throws IOException {
        double wd = fixture.get("weight_decay").getAsDouble();
        JsonArray lrs = fixture.getAsJsonArray("lr");
        Map<String, float[]> seen = new LinkedHashMap<>();                          // largest moment terms so far
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (String n : names) {
                NDArray p = Constants.floats(root, floats(tensor(n).getAsJsonArray("init")), shape(n));
                p.setRequiresGradient(true);
                params.put(n, p);
            }
            AdamW opt = new AdamW(root, b1, b2, eps, wd);
            try {
                for (int step = 1; step <= lrs.size(); step++) {
                    try (NDManager s = root.newSubManager()) {
                        try (GradientCollector gc = Devices.engine().newGradientCollector()) {
                            NDArray loss = null;
                            for (String n : names) {                              // loss = Σ_p Σ_i w_i·G_i, ∂/∂w = G
                                NDArray grad = Constants.floats(s, floats(tensor(n).getAsJsonArray("grads")
                                        .get(step - 1).getAsJsonArray()), shape(n));
                                NDArray term = grad.mul(params.get(n)).sum();     // in s, not the weights' manager
                                loss = loss == null ? term : loss.add(term);
                            }
                            gc.backward(loss);
                        }
                        opt.step(params.values(), lrs.get(step - 1).getAsDouble(), s);
                        for (String n : names) {
                            NDArray p = params.get(n);
                            JsonObject want = expected(step, n);
                            String at = "step " + step + " " + n;
                            float[] g = floats(tensor(n).getAsJsonArray("grads").get(step - 1).getAsJsonArray());
                            float[] g2 = new float[g.length];
                            for (int i = 0; i < g.length; i++) g2[i] = g[i] * g[i];
                            float[] m0 = new float[g.length], v0 = new float[g.length];     // torch's, step − 1
                            if (step > 1) {
                                m0 = floats(expected(step - 1, n).getAsJsonArray("exp_avg"));
                                v0 = floats(expected(step - 1, n).getAsJsonArray("exp_avg_sq"));
                            }
                            float[] w = floats(want.getAsJsonArray("param"));
                            compare(at + ".param", w, p.toFloatArray(), w);
                            NDArray[] mv = opt.moments(p);
                            compare(at + ".exp_avg", floats(want.getAsJsonArray("exp_avg")), mv[0].toFloatArray(),
                                    terms(seen.computeIfAbsent(n + ".m", k -> new float[g.length]), b1, m0, 1 - b1, g));
                            compare(at + ".exp_avg_sq", floats(want.getAsJsonArray("exp_avg_sq")), mv[1].toFloatArray(),
                                    terms(seen.computeIfAbsent(n + ".v", k -> new float[g.length]), b2, v0, 1 - b2, g2));
                            assertArrayEquals(new float[(int) p.size()], Gradients.of(p, s).toFloatArray(), 0f,
                                    at + ": the update zeroes the gradient");
                        }
                    }
                    assertEquals(3 * names.size(), root.getManagedArrays().size(),
                            "step " + step + ": arrays left besides the weights and their moments");
                    if (step == resumeAfter) {
                        Path file = dir.resolve("optimizer.safetensors");
                        opt.save(file, params);
                        opt.close();
                        opt = new AdamW(root, b1, b2, eps, wd);
                        opt.load(file, params);
                        assertEquals(step, opt.steps());
                    }
                }
            } finally {
                opt.close();
            }
        }
        System.out.printf("AdamW vs torch.optim.AdamW %s, resumed after step %d: weights |Δ| ≤ %.3g (%.1f ulps), "
                + "moments ≤ %.2f ulps of their terms%n", fixture.get("torch").getAsString(), resumeAfter, maxAbs, maxUlps,
                maxMomentUlps);
    }

    @Test
    void matchesTorchAdamWAfterEveryStep(@TempDir Path dir) throws IOException {
        followTorch(0, dir);
    }

    @Test
    void aSavedAndLoadedOptimizerStillFollowsTorch(@TempDir Path dir) throws IOException {
        followTorch(3, dir);
    }

    /**
     * The fixture tells the two ε placements apart: at step 1, worked in doubles from the same start, PyTorch's
     * form lands on torch's weights, and TensorFlow's form (what the engine's fused Adam kernel computes,
     * w −= lr·sqrt(1−β2ᵗ)/(1−β1ᵗ)·m/(sqrt(v)+ε)) misses them by far more than the tolerance.
     */
    @Test
    void theTensorFlowFormOfEpsilonWouldFailTheFixture() {
        double lr = fixture.getAsJsonArray("lr").get(0).getAsDouble();
        double torchForm = 0, tfForm = 0;
        for (String n : names) {
            double wd = tensor(n).get("weight_decay").getAsDouble();
            float[] w0 = floats(tensor(n).getAsJsonArray("init"));
            float[] g = floats(tensor(n).getAsJsonArray("grads").get(0).getAsJsonArray());
            float[] want = floats(expected(1, n).getAsJsonArray("param"));
            for (int i = 0; i < w0.length; i++) {
                double m = (1 - b1) * g[i], v = (1 - b2) * g[i] * g[i];                           // t = 1
                double decayed = w0[i] * (1 - lr * wd);
                double pt = decayed - lr / (1 - b1) * m / (Math.sqrt(v) / Math.sqrt(1 - b2) + eps); // m̂/(sqrt(v̂)+ε)
                double tf = decayed - lr * Math.sqrt(1 - b2) / (1 - b1) * m / (Math.sqrt(v) + eps); // TF's ε
                torchForm = Math.max(torchForm, Math.abs(pt - want[i]));
                tfForm = Math.max(tfForm, Math.abs(tf - want[i]));
            }
        }
        System.out.printf("step 1, largest |Δw| vs torch: PyTorch form %.3g, TensorFlow form %.3g%n", torchForm, tfForm);
        assertTrue(torchForm <= MAX_ABS, "PyTorch's form in doubles: " + torchForm);
        assertTrue(tfForm > 1000 * MAX_ABS, "TensorFlow's form in doubles: " + tfForm);
    }

    /**
     * A step whose gradient norm is not finite leaves the weights as they were, zeroes the gradients, and is counted
     * (outside tests: the build runs every test with {@code rlhf.nonFiniteGradient=fail}, checked below).
     */
    @Test
    void aNonFiniteGradientNeverReachesTheWeights() {
        assertEquals("fail", System.getProperty(AdamW.NON_FINITE_PROPERTY), "the build makes it a failure in tests");
        System.setProperty(AdamW.NON_FINITE_PROPERTY, "skip");
        try (NDManager m = NDManager.newBaseManager(Devices.best(), "PyTorch");
             AdamW opt = new AdamW(m, 0.9, 0.999, 1e-8, 0.0)) {
            NDArray w = Constants.floats(m, new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            try (GradientCollector gc = Devices.engine().newGradientCollector()) {
                gc.backward(w.mul(Constants.scalar(w, Double.NaN)).sum());          // ∂/∂w = NaN
            }
            double norm = Gradients.globalNorm(List.of(w), m);
            assertTrue(Double.isNaN(norm));
            assertFalse(opt.stepIfFinite(List.of(w), norm, 0.1, m));
            assertArrayEquals(new float[] {1f, 2f, 3f}, w.toFloatArray(), 0f);
            assertArrayEquals(new float[] {0f, 0f, 0f}, w.getGradient().toFloatArray(), 0f);
            assertEquals(1, opt.skipped());
            assertEquals(0, opt.steps());

            try (GradientCollector gc = Devices.engine().newGradientCollector()) {
                gc.backward(w.sum());                                                // ∂/∂w = 1
            }
            assertTrue(opt.stepIfFinite(List.of(w), Gradients.globalNorm(List.of(w), m), 0.1, m));
            assertTrue(w.toFloatArray()[0] < 1f);
            assertEquals(1, opt.skipped());
        } finally {
            System.setProperty(AdamW.NON_FINITE_PROPERTY, "fail");
        }
    }

    /** In a test a non-finite gradient norm fails the step, naming it. */
    @Test
    void inTestsANonFiniteGradientIsAFailure() {
        try (NDManager m = NDManager.newBaseManager(Devices.best(), "PyTorch");
             AdamW opt = new AdamW(m, 0.9, 0.999, 1e-8, 0.0)) {
            NDArray w = Constants.floats(m, new float[] {1f});
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> opt.stepIfFinite(List.of(w), Double.POSITIVE_INFINITY, 0.1, m));
            assertTrue(e.getMessage().contains("gradient norm Infinity"), e.getMessage());
            assertArrayEquals(new float[] {1f}, w.toFloatArray(), 0f);
        }
    }
}
