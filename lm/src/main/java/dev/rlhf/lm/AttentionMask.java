package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** The additive attention mask every family uses: causal, padding, and (Mistral) a sliding window. */
final class AttentionMask {

    /** Added to attention scores a query may not see; finite so a fully masked (padding) row stays NaN-free. */
    static final double MASKED = -1e9;

    private AttentionMask() {}

    /**
     * 0 where query i (absolute index past + i) may attend to key j and -1e9 elsewhere, shape [B, 1, T, past + T],
     * broadcast over heads. A query sees the keys j ≤ past + i that are real tokens and, with a sliding window W > 0,
     * only those with j > past + i − W (transformers' {@code kv_idx > q_idx − sliding_window}, on cache indices, so
     * left padding shifts both sides alike). A padding query sees only itself, so no row of the softmax is empty.
     */
    static NDArray bias(NDArray attentionMask, int t, int past, int slidingWindow) {
        NDManager m = attentionMask.getManager();
        long b = attentionMask.getShape().get(0);
        NDArray query = m.arange(past, past + t).reshape(t, 1);
        NDArray key = m.arange(past + t).reshape(1, past + t);
        NDArray causal = key.lte(query).toType(DataType.FLOAT32, false);                       // [T, past + T]
        if (slidingWindow > 0) {
            NDArray inWindow = key.gt(query.sub(Constants.scalar(query, slidingWindow))).toType(DataType.FLOAT32, false);
            causal = causal.mul(inWindow);
        }
        NDArray self = key.eq(query).toType(DataType.FLOAT32, false);                          // [T, past + T]
        NDArray real = attentionMask.toType(DataType.FLOAT32, false).reshape(b, 1, 1, past + t);
        NDArray allowed = causal.mul(real.maximum(self));                                      // [B, 1, T, past + T]
        return allowed.subi(Constants.scalar(allowed, 1)).muli(Constants.scalar(allowed, -MASKED)); // (allowed − 1)·1e9
    }
}
