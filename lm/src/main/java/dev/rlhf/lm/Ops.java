package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The few tensor functions the model is made of. Each result belongs to the manager of the activation passed first
 * (a step's sub-manager), never to the long-lived manager that holds the parameters.
 */
final class Ops {

    private Ops() {}

    /**
     * An independent copy of {@code src} in {@code owner} (its device), of type {@code type}. On the same device
     * DJL 0.35.1's {@code toDevice(device, true)} returns a tensor that shares storage with its source, so the copy
     * is made with {@code duplicate()} there: a model built from another model's arrays must not train both.
     */
    static NDArray copyOf(NDArray src, NDManager owner, DataType type) {
        NDArray a = src.getDevice().equals(owner.getDevice()) ? src.duplicate() : src.toDevice(owner.getDevice(), true);
        if (a.getDataType() != type) {
            NDArray converted = a.toType(type, false);
            a.close();
            a = converted;
        }
        a.attach(owner);
        return a;
    }

    /**
     * Hugging Face Conv1D: y = x·W + b with W stored [in, out]. Passed to the engine's linear (x·Aᵀ + b) as A = Wᵀ,
     * a transposed view, so the product and the bias are one fused GEMM call with no copy of W.
     */
    static NDArray conv1d(NDArray x, NDArray w, NDArray b) {
        NDArray wT = w.transpose();   // a view; owned by the step like every other intermediate
        wT.attach(x.getManager());
        return x.getNDArrayInternal().linear(x, wT, b).singletonOrThrow();
    }

    /** y = (x − mean) / sqrt(var + eps) · γ + β over the last axis (the engine's fused kernel). */
    static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, (float) eps)
                .singletonOrThrow();
    }

    /** RMSNorm as transformers computes it: x·rsqrt(mean(x²) + eps)·g over the last axis. */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(Constants.scalar(variance, eps)).sqrt()).mul(weight);
    }

    /** silu(x) = x·σ(x), the gate of the SwiGLU MLP (the engine's fused kernel). */
    static NDArray silu(NDArray x) {
        return FusedActivations.silu(x);
    }

    /** Row lookup: out[..., :] = table[ids[...], :] (the engine's embedding kernel). */
    static NDArray embedding(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, ai.djl.ndarray.types.SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /**
     * gelu_new(x) = 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))), or for "gelu" the exact 0.5·x·(1 + erf(x/√2)):
     * the engine's fused kernel either way.
     */
    static NDArray gelu(NDArray x, String activation) {
        return "gelu".equals(activation) ? x.getNDArrayInternal().gelu() : FusedActivations.geluTanh(x);
    }

    /** x·Wᵀ for W stored [out, in] (nn.Linear layout; the tied output embedding and the scalar head). */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    /** Ids as int64 (what the engine's gather and embedding want), in the manager of {@code ids}. */
    static NDArray longIds(NDArray ids) {
        return ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
    }
}
