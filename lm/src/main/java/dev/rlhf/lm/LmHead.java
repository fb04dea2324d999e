package dev.rlhf.lm;

import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import ai.djl.ndarray.NDArray;

/** The language-model head: next-token logits through the output projection, and what is derived from them. */
public final class LmHead {

    private LmHead() {}

    /** logits = h·Wᵀ with W the output projection [V, d] (GPT-2's tied wte, lm_head, embed_out): [B, T, d] → [B, T, V]. */
    public static NDArray logits(CausalLm model, NDArray hidden) {
        return Ops.linear(hidden, model.outputEmbedding(), null);
    }

    /**
     * log p(token | prefix) under softmax(logits / temperature): logits [B, T, V], tokens [B, T] → [B, T].
     * Use logits[:, t] with tokens[:, t] = the token that followed position t.
     */
    public static NDArray logProbs(NDArray logits, NDArray tokens, double temperature) {
        if (temperature <= 0) throw new IllegalArgumentException("temperature must be positive, was " + temperature);
        NDArray scaled = temperature == 1.0 ? logits : logits.div(Constants.scalar(logits, temperature));
        NDArray logp = logSoftmax(scaled);                                         // log softmax(logits / τ)
        return logp.gather(Ops.longIds(tokens).expandDims(-1), -1).squeeze(-1);    // pick the given token
    }

    public static NDArray logProbs(NDArray logits, NDArray tokens) {
        return logProbs(logits, tokens, 1.0);
    }

    /** H = −Σ_v p_v·log p_v per position, from log-probabilities ({@link #logSoftmax}): [..., V] → [...]. */
    public static NDArray entropy(NDArray logp) {
        return logp.exp().mul(logp).sum(new int[] {-1}).neg();
    }

    /**
     * log softmax over the last axis, computed and returned in float32 for float32 and half-precision logits (mixed
     * precision), in float64 for float64 ones (the gradient checks).
     */
    public static NDArray logSoftmax(NDArray logits) {
        DataType type = logits.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        return JniUtils.logSoftmax((PtNDArray) logits, -1, type);
    }
}
