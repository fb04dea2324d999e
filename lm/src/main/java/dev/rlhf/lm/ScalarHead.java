package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A d → 1 linear head on the final hidden states, for reward and value models (Hugging Face's {@code score}):
 * r = h·wᵀ + b, with {@code score.weight} [1, d] (nn.Linear layout) and {@code score.bias} [1].
 */
public final class ScalarHead implements AutoCloseable {

    public static final String WEIGHT = "score.weight";
    public static final String BIAS = "score.bias";

    private final NDManager manager;
    private final NDArray weight;
    private final NDArray bias;

    /** w ~ N(0, 1/(d+1)) (std 1/sqrt(d+1)), b = 0, seeded. */
    public ScalarHead(int nEmbd, NDManager manager, long seed) {
        this.manager = manager.newSubManager();
        float[] w = new float[nEmbd];
        Random rng = new Random(seed);
        double std = 1.0 / Math.sqrt(nEmbd + 1.0);
        for (int i = 0; i < nEmbd; i++) w[i] = (float) (rng.nextGaussian() * std);
        this.weight = Constants.floats(this.manager, w, new Shape(1, nEmbd));
        this.bias = this.manager.zeros(new Shape(1), DataType.FLOAT32);
        weight.setRequiresGradient(true);
        bias.setRequiresGradient(true);
    }

    private ScalarHead(NDManager parent, NDArray w, NDArray b, DataType dtype) {
        this.manager = parent.newSubManager();
        this.weight = Ops.copyOf(w, manager, dtype);
        this.bias = b == null ? manager.zeros(new Shape(1), dtype) : Ops.copyOf(b, manager, dtype);
        weight.setRequiresGradient(true);
        bias.setRequiresGradient(true);
    }

    /** A head holding copies of {@code score.weight} [1, d] and {@code score.bias} [1] (bias optional, else 0). */
    public static ScalarHead fromTensors(Map<String, NDArray> tensors, NDManager manager) {
        return fromTensors(tensors, manager, DataType.FLOAT32);
    }

    /** As {@link #fromTensors(Map, NDManager)} in another precision (float64 for gradient checks). */
    public static ScalarHead fromTensors(Map<String, NDArray> tensors, NDManager manager, DataType dtype) {
        NDArray w = tensors.get(WEIGHT);
        if (w == null || w.getShape().dimension() != 2 || w.getShape().get(0) != 1) {
            throw new IllegalArgumentException(WEIGHT + " [1, d] is missing or misshapen");
        }
        NDArray b = tensors.get(BIAS);
        if (b != null && !b.getShape().equals(new Shape(1))) {
            throw new IllegalArgumentException(BIAS + " has shape " + b.getShape() + ", expected (1)");
        }
        return new ScalarHead(manager, w, b, dtype);
    }

    /** Per-position scalars: [B, T, d] → [B, T]. */
    public NDArray values(NDArray hidden) {
        return Ops.linear(hidden, weight, bias).squeeze(-1);
    }

    /**
     * The scalar at each row's last real token (reward-model style): mask [B, T], hidden [B, T', d] of the last T' ≤ T
     * of those positions (a pass {@code from} T − T', see {@link dev.rlhf.lm.CausalLm#hidden(NDArray, NDArray, NDArray,
     * KvCache, int)}) → [B].
     */
    public NDArray atLastToken(NDArray hidden, NDArray attentionMask) {
        NDArray v = values(hidden);                                                  // [B, T']
        long offset = attentionMask.getShape().get(1) - v.getShape().get(1);
        NDArray index = lastRealIndex(attentionMask);
        if (offset > 0) index = index.sub(Constants.scalar(index, offset));
        return v.gather(index, 1).squeeze(1);
    }

    /** Each row's last real position, max_t(t·mask_t), for left and right padding: mask [B, T] → [B, 1] (int64). */
    public static NDArray lastRealIndex(NDArray attentionMask) {
        long t = attentionMask.getShape().get(1);
        return attentionMask.toType(DataType.INT64, false)
                .mul(attentionMask.getManager().arange(0L, t, 1L, DataType.INT64)).max(new int[] {1}, true);
    }

    /** {@code score.weight}, {@code score.bias} → live arrays. */
    public Map<String, NDArray> namedTensors() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put(WEIGHT, weight);
        m.put(BIAS, bias);
        return Collections.unmodifiableMap(m);
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
