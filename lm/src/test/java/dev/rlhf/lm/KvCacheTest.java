package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KvCacheTest {

    static final GPT2Config CONFIG = GPT2Config.of(50, 32, 32, 2, 4);
    @AutoClose
    static final RandomGpt2 RANDOM = RandomGpt2.of(CONFIG, 7);
    static final NDManager root = RANDOM.root();
    static final GPT2 model = RANDOM.model();

    /** Rows of different lengths, left padded with token 0 and mask 0. */
    static final int[][] ROWS = {{5, 9, 3, 7, 1, 2, 8}, {4, 4, 6}, {11, 12, 13, 14, 15}};

    @Test
    void cachedLogitsEqualFullPassWithLeftPadding() {
        int b = ROWS.length, t = 7;
        int[] ids = new int[b * t];
        int[] mask = new int[b * t];
        for (int r = 0; r < b; r++) {
            int pad = t - ROWS[r].length;
            for (int j = 0; j < ROWS[r].length; j++) {
                ids[r * t + pad + j] = ROWS[r][j];
                mask[r * t + pad + j] = 1;
            }
        }
        try (NDManager m = root.newSubManager()) {
            NDArray idArr = m.create(ids, new Shape(b, t));
            NDArray maskArr = m.create(mask, new Shape(b, t));
            float[] full = model.logits(idArr, maskArr, null, null).toFloatArray(); // [B, T, V]

            // Prefix of 4 positions at once, then one position at a time through the cache.
            KvCache cache = new KvCache(CONFIG, m, b, t, DataType.FLOAT32);
            int prefix = 4;
            NDArray first = model.logits(idArr.get(":, :{}", prefix), maskArr.get(":, :{}", prefix), null, cache);
            assertClose(slice(full, b, t, 0, prefix), first.toFloatArray(), 1e-4f);
            for (int s = prefix; s < t; s++) {
                NDArray step = model.logits(idArr.get(":, {}:{}", s, s + 1), maskArr.get(":, :{}", s + 1), null, cache);
                assertClose(slice(full, b, t, s, s + 1), step.toFloatArray(), 1e-4f);
            }
            assertEquals(t, cache.length());

            // Each left-padded row gives the logits of the same sequence alone, without padding.
            int v = CONFIG.vocab_size();
            for (int r = 0; r < b; r++) {
                int n = ROWS[r].length, pad = t - n;
                float[] alone = model.logits(m.create(ROWS[r], new Shape(1, n))).toFloatArray();
                float[] padded = new float[n * v];
                System.arraycopy(full, (r * t + pad) * v, padded, 0, n * v);
                assertClose(alone, padded, 1e-4f);
            }
        }
    }

    @Test
    void positionIdsSkipLeftPadding() {
        try (NDManager m = root.newSubManager()) {
            NDArray mask = m.create(new int[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, 5));
            assertArrayEquals(new long[] {0, 0, 0, 1, 2, 0, 1, 2, 3, 4}, GPT2.positionIds(mask).toLongArray());
        }
    }

    private static float[] slice(float[] full, int b, int t, int from, int to) {
        int v = CONFIG.vocab_size();
        float[] out = new float[b * (to - from) * v];
        for (int r = 0; r < b; r++) {
            System.arraycopy(full, (r * t + from) * v, out, r * (to - from) * v, (to - from) * v);
        }
        return out;
    }

    static void assertClose(float[] expected, float[] actual, float tol) {
        assertEquals(expected.length, actual.length, "length");
        float worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        assertTrue(worst <= tol, "max |difference| " + worst + " > " + tol);
    }
}
