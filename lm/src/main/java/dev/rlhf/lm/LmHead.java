package dev.rlhf.lm;

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
        NDArray logp = scaled.logSoftmax(-1);                                      // log softmax(logits / τ)
        return logp.gather(Ops.longIds(tokens).expandDims(-1), -1).squeeze(-1);    // pick the given token
    }

    public static NDArray logProbs(NDArray logits, NDArray tokens) {
        return logProbs(logits, tokens, 1.0);
    }

    /** H = −Σ_v p_v·log p_v per position: [B, T, V] → [B, T]. */
    public static NDArray entropy(NDArray logits) {
        NDArray logp = logits.logSoftmax(-1);
        return logp.exp().mul(logp).sum(new int[] {-1}).neg();
    }
}
