package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.LmHead;

/** Full forward passes over query + response batches, read at the positions that predict the response tokens. */
public final class ResponseForward {

    private ResponseForward() {}

    /**
     * ln_f(h) at the positions that predict the response tokens, P−1 … P+N−2: [rows, N, d]. The pass keeps positions
     * from P−1 on, so the last layer does no work at the prompt's other positions.
     */
    public static NDArray hidden(CausalLm model, Batch.Tensors b) {
        NDArray h = model.hidden(b.ids(), b.attentionMask(), null, null, b.promptLength() - 1);  // P−1 … T−1
        return h.get(":, :{}, :", b.responseLength());
    }

    /** Logits of the response tokens, [rows, N, V] (only those positions go through the vocabulary projection). */
    public static NDArray logits(CausalLm model, Batch.Tensors b) {
        return LmHead.logits(model, hidden(model, b));
    }

    /**
     * log π(y|x) = Σ_t log softmax(logits)(y_t) over each row's first {@code lengths[r]} response tokens, without
     * gradients, {@code chunk} rows per forward pass.
     */
    public static double[] logProbSums(CausalLm model, int[][] queries, int[][] responses, int[] lengths, int chunk) {
        Batch all = Batch.of(queries, responses, lengths);
        double[] out = new double[queries.length];
        for (int from = 0; from < queries.length; from += chunk) {
            int to = Math.min(queries.length, from + chunk);
            try (NDManager m = model.manager().newSubManager()) {
                Batch.Tensors b = all.rows(from, to, m);
                NDArray lp = LmHead.logProbs(logits(model, b), b.targets()).mul(b.responseMask()).sum(new int[] {1});
                float[] sums = lp.toFloatArray();
                for (int i = 0; i < sums.length; i++) out[from + i] = sums[i];
            }
        }
        return out;
    }
}
