package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named tensors in and out, the scalar head at the last real token, entropy. */
class HeadsAndTensorsTest {

    static final GPT2Config CONFIG = GPT2Config.of(30, 16, 16, 2, 2);

    @Test
    void namedTensorsFollowTheCheckpointTableAndRoundTrip() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 a = new GPT2(CONFIG, root, 1);
             GPT2 same = new GPT2(CONFIG, root, 1)) {
            assertEquals(new ArrayList<>(CONFIG.tensorShapes().keySet()), new ArrayList<>(a.namedTensors().keySet()));
            for (Map.Entry<String, long[]> e : CONFIG.tensorShapes().entrySet()) {
                assertEquals(new Shape(e.getValue()), a.namedTensors().get(e.getKey()).getShape(), e.getKey());
            }
            assertArrayEquals(a.wte().toFloatArray(), same.wte().toFloatArray(), "same seed, same model");
            // Residual projections are initialised with std 0.02/sqrt(2·n_layer), the others with 0.02.
            assertEquals(0.02 / 2, std(a.namedTensors().get("h.0.mlp.c_proj.weight").toFloatArray()), 0.002);
            assertEquals(0.02, std(a.namedTensors().get("h.0.mlp.c_fc.weight").toFloatArray()), 0.002);

            // Hugging Face names with the transformer. prefix and extra buffers load; the copy is independent.
            Map<String, NDArray> hf = new LinkedHashMap<>();
            a.namedTensors().forEach((k, v) -> hf.put("transformer." + k, v));
            hf.put("transformer.h.0.attn.bias", root.ones(new Shape(1, 1, 16, 16)));
            try (GPT2 b = GPT2.fromTensors(CONFIG, hf, root); NDManager m = root.newSubManager()) {
                NDArray ids = m.create(new int[] {1, 2, 3, 4}, new Shape(1, 4));
                assertArrayEquals(a.logits(ids).toFloatArray(), b.logits(ids).toFloatArray(), 1e-6f);
                // Training the copy must not move the source (same-device copies must not share storage).
                float[] before = a.wte().toFloatArray();
                b.wte().addi(1f);
                b.namedTensors().get("h.0.attn.c_attn.weight").muli(0f);
                assertArrayEquals(before, a.wte().toFloatArray(), 0f);
                assertTrue(a.namedTensors().get("h.0.attn.c_attn.weight").abs().sum().getFloat() > 0f);
            }
            Map<String, NDArray> missing = new LinkedHashMap<>(a.namedTensors());
            missing.remove("h.1.ln_2.bias");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GPT2.fromTensors(CONFIG, missing, root));
            assertTrue(e.getMessage().contains("h.1.ln_2.bias"), e.getMessage());
        }
    }

    @Test
    void scalarHeadReadsTheLastRealTokenWithLeftOrRightPadding() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 model = new GPT2(CONFIG, root, 2);
             ScalarHead head = new ScalarHead(CONFIG.n_embd(), root, 3);
             NDManager m = root.newSubManager()) {
            assertEquals(List.of(ScalarHead.WEIGHT, ScalarHead.BIAS), new ArrayList<>(head.namedTensors().keySet()));
            assertEquals(new Shape(1, 16), head.namedTensors().get(ScalarHead.WEIGHT).getShape());
            float alone = head.atLastToken(model.hidden(m.create(new int[] {5, 6, 7}, new Shape(1, 3)), null, null, null),
                    m.ones(new Shape(1, 3))).getFloat();
            NDArray leftMask = m.create(new int[] {0, 0, 1, 1, 1}, new Shape(1, 5));
            NDArray left = model.hidden(m.create(new int[] {0, 0, 5, 6, 7}, new Shape(1, 5)), leftMask, null, null);
            assertEquals(alone, head.atLastToken(left, leftMask).getFloat(), 1e-5);
            NDArray rightMask = m.create(new int[] {1, 1, 1, 0, 0}, new Shape(1, 5));
            NDArray right = model.hidden(m.create(new int[] {5, 6, 7, 0, 0}, new Shape(1, 5)), rightMask, null, null);
            assertEquals(alone, head.atLastToken(right, rightMask).getFloat(), 1e-5);

            try (ScalarHead copy = ScalarHead.fromTensors(head.namedTensors(), root)) {
                assertEquals(alone, copy.atLastToken(left, leftMask).getFloat(), 1e-6);
                copy.namedTensors().get(ScalarHead.WEIGHT).muli(0f);
                assertEquals(alone, head.atLastToken(left, leftMask).getFloat(), 1e-6, "the source head is untouched");
            }
        }
    }

    @Test
    void entropyOfUniformAndPeakedDistributions() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            NDArray logits = root.create(new float[] {0, 0, 0, 0, 50, 0, 0, 0}, new Shape(1, 2, 4));
            float[] h = LmHead.entropy(LmHead.logSoftmax(logits)).toFloatArray();
            assertEquals(Math.log(4), h[0], 1e-5);
            assertEquals(0, h[1], 1e-5);
            float[] lp = LmHead.logProbs(logits, root.create(new int[] {1, 0}, new Shape(1, 2)), 2.0).toFloatArray();
            assertEquals(-Math.log(4), lp[0], 1e-5);
            assertEquals(0, lp[1], 1e-5);
        }
    }

    static double std(float[] x) {
        double mean = 0, sq = 0;
        for (float v : x) mean += v;
        mean /= x.length;
        for (float v : x) sq += (v - mean) * (v - mean);
        return Math.sqrt(sq / x.length);
    }
}
