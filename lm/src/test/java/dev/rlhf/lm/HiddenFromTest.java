package dev.rlhf.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hidden(…, from)} is the tail of the full pass in every family: the same hidden states at positions from …
 * T − 1 (left-padded rows included), the same parameter gradients for a loss on them, and a cache filled by such a
 * pass serves the next token as one filled by a full pass.
 */
class HiddenFromTest {

    static final int T = 9, FROM = 5;

    /** Two rows, the first left padded by three. */
    static NDArray[] batch(NDManager m) {
        NDArray ids = m.create(new int[] {0, 0, 0, 4, 7, 1, 9, 3, 2, 5, 8, 6, 1, 2, 3, 4, 7, 9}, new Shape(2, T));
        NDArray mask = m.create(new int[] {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, T));
        return new NDArray[] {ids, mask};
    }

    static List<CausalLm> models(NDManager root) {
        return List.of(new GPT2(GPT2Config.of(16, 16, 16, 3, 2), root, 1),
                Llama.random(LlamaConfig.llama(16, 16, 16, 32, 3, 4, 2), root, 2),
                GPTNeoX.random(GPTNeoXConfig.pythia(16, 16, 16, 3, 2), root, 3));
    }

    @Test
    void theTailEqualsThoseRowsOfTheFullPassWithTheSameGradients() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            for (CausalLm model : models(root)) {
                try (NDManager m = root.newSubManager()) {
                    NDArray[] b = batch(m);
                    NDArray full = model.hidden(b[0], b[1], null, null).get(":, {}:, :", FROM);
                    NDArray tail = model.hidden(b[0], b[1], null, null, FROM);
                    assertEquals(new Shape(2, T - FROM, 16), tail.getShape(), model.config().model_type());
                    assertTrue(full.sub(tail).abs().max().getFloat() < 1e-5f, model.config().model_type() + ": tail differs");

                    NDArray weights = m.randomNormal(new Shape(2, T - FROM, 16));
                    Map<String, float[]> viaFull = gradients(model, () -> model.hidden(b[0], b[1], null, null)
                            .get(":, {}:, :", FROM).mul(weights).sum());
                    Map<String, float[]> viaTail = gradients(model, () -> model.hidden(b[0], b[1], null, null, FROM)
                            .mul(weights).sum());
                    double worst = 0, largest = 0;
                    for (Map.Entry<String, float[]> e : viaFull.entrySet()) {
                        float[] a = e.getValue(), t = viaTail.get(e.getKey());
                        for (int i = 0; i < a.length; i++) {
                            worst = Math.max(worst, Math.abs(a[i] - t[i]));
                            largest = Math.max(largest, Math.abs(a[i]));
                        }
                    }
                    assertTrue(largest > 1e-2, "the loss reaches the parameters: largest gradient " + largest);
                    System.out.printf("%s: largest gradient %.3g, largest difference %.3g%n", model.config().model_type(), largest, worst);
                    assertTrue(worst < 1e-6 * largest, model.config().model_type() + ": gradients differ by " + worst
                            + ", largest " + largest);
                }
            }
        }
    }

    @Test
    void aCacheFilledFromTheLastPositionServesTheNextToken() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            for (CausalLm model : models(root)) {
                try (NDManager m = root.newSubManager()) {
                    NDArray[] b = batch(m);
                    KvCache cache = new KvCache(model.config(), m, 2, T + 1, DataType.FLOAT32);
                    NDArray prefixIds = b[0].get(":, :{}", T - 1), prefixMask = b[1].get(":, :{}", T - 1);
                    NDArray last = model.hidden(prefixIds, prefixMask, null, cache, T - 2);
                    NDArray next = model.hidden(b[0].get(":, {}:", T - 1), b[1], null, cache);
                    NDArray full = model.hidden(b[0], b[1], null, null);
                    String family = model.config().model_type();
                    assertTrue(full.get(":, {}:{}, :", T - 2, T - 1).sub(last).abs().max().getFloat() < 1e-5f, family);
                    assertTrue(full.get(":, {}:, :", T - 1).sub(next).abs().max().getFloat() < 1e-5f, family + ": next token");
                }
            }
        }
    }

    @Test
    void aFirstPositionOutsideThePassIsRefused() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            CausalLm model = models(root).get(0);
            NDArray[] b = batch(root);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.hidden(b[0], b[1], null, null, T));
            assertEquals("from 9 is outside the 9 positions of this pass", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.hidden(b[0], b[1], null, null, -1));
        }
    }

    /** ∂loss/∂θ for every parameter of the model, by name. */
    static Map<String, float[]> gradients(CausalLm model, java.util.function.Supplier<NDArray> loss) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (NDArray p : model.namedTensors().values()) p.setRequiresGradient(true);
        Gradients.zero(model.namedTensors().values());
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.backward(loss.get());
        }
        model.namedTensors().forEach((name, p) -> out.put(name, p.getGradient().toFloatArray()));
        for (NDArray p : model.namedTensors().values()) p.setRequiresGradient(false);
        return out;
    }
}
