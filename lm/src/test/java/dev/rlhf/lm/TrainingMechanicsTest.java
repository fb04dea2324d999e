package dev.rlhf.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Global-norm clipping, gradient accumulation and zeroing, the schedule. */
class TrainingMechanicsTest {

    static final GPT2Config CONFIG = GPT2Config.of(16, 16, 16, 2, 2);

    @Test
    void clipGlobalNormScalesAllGradientsTogether() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            NDArray a = root.create(new float[] {1, 2}, new Shape(2));
            NDArray b = root.create(new float[] {3, 4, 5}, new Shape(3));
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (NDManager m = root.newSubManager();
                 GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(a.square().sum().add(b.square().sum()).mul(0.5)); // grads = a, b
            }
            List<NDArray> params = List.of(a, b);
            try (NDManager m = root.newSubManager()) {
                double norm = Gradients.clipGlobalNorm(params, 1.0, m);
                assertEquals(Math.sqrt(55), norm, 1e-5);
                assertEquals(1.0, Gradients.globalNorm(params, m), 1e-5);
                float[] ga = Gradients.of(a, m).toFloatArray();
                assertEquals(1 / Math.sqrt(55), ga[0], 1e-6);   // direction kept: every entry scaled alike
                assertEquals(5 / Math.sqrt(55), Gradients.of(b, m).toFloatArray()[2], 1e-6);
                // Under the limit nothing changes.
                assertEquals(1.0, Gradients.clipGlobalNorm(params, 10.0, m), 1e-5);
                assertEquals(1 / Math.sqrt(55), Gradients.of(a, m).toFloatArray()[0], 1e-6);
                Gradients.zero(params);
                assertEquals(0.0, Gradients.globalNorm(params, m));
            }
        }
    }

    @Test
    void twoMicroBatchesAccumulateToTheGradientOfOneBatch() {
        List<SftExample> all = examples(6, 11);
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 model = new GPT2(CONFIG, root, 5);
             SftTrainer trainer = new SftTrainer(model, SftConfig.defaults())) {
            Map<String, NDArray> params = model.namedTensors();
            Gradients.zero(params.values());
            double lossTwo = trainer.accumulateGradients(List.of(all.subList(0, 2), all.subList(2, 6)), null);
            Map<String, float[]> two = grads(model, root);
            Gradients.zero(params.values());
            double lossOne = trainer.accumulateGradients(List.of(all), null);
            Map<String, float[]> one = grads(model, root);
            assertEquals(lossOne, lossTwo, 1e-5);
            for (String name : params.keySet()) {
                KvCacheTest.assertClose(one.get(name), two.get(name), 1e-5f);
            }
            // Without zeroing, a second pass doubles the gradients: they accumulate.
            trainer.accumulateGradients(List.of(all), null);
            float[] twice = grads(model, root).get("h.0.attn.c_attn.weight");
            float[] once = one.get("h.0.attn.c_attn.weight");
            for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-5);

            // An optimizer step leaves every gradient at zero, so the next step starts clean.
            trainer.step(all);
            try (NDManager m = root.newSubManager()) {
                assertEquals(0.0, Gradients.globalNorm(params.values(), m));
            }
        }
    }

    @Test
    void lossCountsCompletionTokensOnly() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            SftBatch b = SftBatch.of(List.of(new SftExample(new int[] {1, 2, 3}, new int[] {4, 5}),
                    new SftExample(new int[] {6}, new int[] {7})), 16, root);
            assertEquals(new Shape(2, 4), b.inputs().getShape());
            KvCacheTest.assertClose(new float[] {0, 0, 1, 1, 1, 0, 0, 0}, b.lossMask().toFloatArray(), 0);
            assertEquals(3, b.supervised());
            assertEquals(5, b.tokens());
        }
    }

    /** The loss reads positions from the shortest prompt's last token on: the same log-probs as the full pass there. */
    @Test
    void supervisedLogProbsAreThoseOfTheFullPassFromTheShortestPrompt() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 model = new GPT2(GPT2Config.of(16, 16, 16, 2, 2), root, 5)) {
            SftBatch b = SftBatch.of(List.of(new SftExample(new int[] {1, 2, 3, 4}, new int[] {5, 6}),
                    new SftExample(new int[] {7, 8, 9}, new int[] {10})), 16, root);
            assertEquals(2, b.firstSupervised());
            NDArray full = LmHead.logProbs(model.logits(b.inputs(), b.attentionMask(), null, null), b.targets()).get(":, 2:");
            NDArray kept = b.supervisedLogProbs(model);
            assertEquals(new Shape(2, 3), kept.getShape());
            KvCacheTest.assertClose(full.toFloatArray(), kept.toFloatArray(), 1e-5f);
            KvCacheTest.assertClose(new float[] {0, 1, 1, 1, 0, 0}, b.supervisedMask().toFloatArray(), 0);
            assertEquals(b.supervised(), (long) b.supervisedMask().sum().getFloat());
        }
    }

    @Test
    void warmupThenCosine() {
        LrSchedule s = new LrSchedule(1e-3, 1e-4, 10, 110);
        assertEquals(1e-4, s.at(0), 1e-12);
        assertEquals(1e-3, s.at(9), 1e-12);
        assertEquals(1e-3, s.at(10), 1e-12);
        assertEquals(5.5e-4, s.at(60), 1e-12);
        assertTrue(s.at(100) < s.at(60));
        assertEquals(1e-4, s.at(110), 1e-12);
    }

    static List<SftExample> examples(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        List<SftExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] p = new int[1 + r.nextInt(4)], c = new int[1 + r.nextInt(5)];
            for (int j = 0; j < p.length; j++) p[j] = r.nextInt(15);
            for (int j = 0; j < c.length; j++) c[j] = r.nextInt(16);
            out.add(new SftExample(p, c));
        }
        return out;
    }

    static Map<String, float[]> grads(GPT2 model, NDManager root) {
        Map<String, float[]> g = new java.util.LinkedHashMap<>();
        try (NDManager m = root.newSubManager()) {
            for (Map.Entry<String, NDArray> e : model.namedTensors().entrySet()) {
                g.put(e.getKey(), Gradients.of(e.getValue(), m).toFloatArray());
            }
        }
        return g;
    }
}
