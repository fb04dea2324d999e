package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.rlhf.lm.Constants;

/**
 * Query + response sequences laid out for full forward passes: prompts left-padded to the longest one (P), then the
 * N response slots. The attention mask is 1 on real prompt tokens and on each response's tokens up to and including
 * EOS; positions skip the padding (the layout the sampler generated with, so the log-probs match its distribution).
 */
public final class Batch {

    /** One chunk on a manager: ids and mask [rows, P+N] (int32), targets [rows, N], response mask [rows, N] (float). */
    public record Tensors(NDArray ids, NDArray attentionMask, NDArray targets, NDArray responseMask, int promptLength,
                   int responseLength) {}

    private final int rows, p, n;
    private final int[] ids, mask, targets;
    private final float[] responseMask;

    private Batch(int rows, int p, int n) {
        this.rows = rows;
        this.p = p;
        this.n = n;
        this.ids = new int[rows * (p + n)];
        this.mask = new int[rows * (p + n)];
        this.targets = new int[rows * n];
        this.responseMask = new float[rows * n];
    }

    public static Batch of(int[][] queries, int[][] responses, int[] lengths) {
        int rows = queries.length, p = 0, n = responses[0].length;
        for (int[] q : queries) p = Math.max(p, q.length);
        Batch b = new Batch(rows, p, n);
        int l = p + n;
        for (int r = 0; r < rows; r++) {
            int pad = p - queries[r].length;
            System.arraycopy(queries[r], 0, b.ids, r * l + pad, queries[r].length);
            java.util.Arrays.fill(b.mask, r * l + pad, r * l + p, 1);
            System.arraycopy(responses[r], 0, b.ids, r * l + p, n);
            java.util.Arrays.fill(b.mask, r * l + p, r * l + p + lengths[r], 1);
            System.arraycopy(responses[r], 0, b.targets, r * n, n);
            java.util.Arrays.fill(b.responseMask, r * n, r * n + lengths[r], 1f);
        }
        return b;
    }

    public int promptLength() {
        return p;
    }

    /** Rows [from, to). */
    public Tensors rows(int from, int to, NDManager m) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) idx[i] = from + i;
        return select(idx, m);
    }

    /** The given rows, in that order. */
    public Tensors select(int[] idx, NDManager m) {
        int l = p + n, b = idx.length;
        int[] i2 = new int[b * l], m2 = new int[b * l], t2 = new int[b * n];
        float[] r2 = new float[b * n];
        for (int i = 0; i < b; i++) {
            int r = idx[i];
            if (r < 0 || r >= rows) throw new IndexOutOfBoundsException("row " + r + " of " + rows);
            System.arraycopy(ids, r * l, i2, i * l, l);
            System.arraycopy(mask, r * l, m2, i * l, l);
            System.arraycopy(targets, r * n, t2, i * n, n);
            System.arraycopy(responseMask, r * n, r2, i * n, n);
        }
        return new Tensors(Constants.ints(m, i2, new Shape(b, l)), Constants.ints(m, m2, new Shape(b, l)),
                Constants.ints(m, t2, new Shape(b, n)).toType(DataType.INT64, false), Constants.floats(m, r2, new Shape(b, n)), p, n);
    }
}
