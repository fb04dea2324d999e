package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.LmHead;

/** Full forward passes over query + response batches, read at the positions that predict the response tokens. */
public final class ResponseForward {

    private ResponseForward() {}

    /** ln_f(h) at the positions that predict the response tokens, P−1 … P+N−2: [rows, N, d]. */
    public static NDArray hidden(GPT2 model, Batch.Tensors b) {
        NDArray h = model.hidden(b.ids(), b.attentionMask(), null, null);
        return h.get(":, {}:{}, :", b.promptLength() - 1, b.promptLength() - 1 + b.responseLength());
    }

    /** Logits of the response tokens, [rows, N, V] (only those positions go through the vocabulary projection). */
    public static NDArray logits(GPT2 model, Batch.Tensors b) {
        return LmHead.logits(model, hidden(model, b));
    }
}
