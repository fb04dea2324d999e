package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Random;

/**
 * Batched generation from a {@link CausalLm} of any family. Prompts of different lengths are left padded (mask 0, positions that skip
 * the padding), the prefix goes through the model once into a {@link KvCache}, then one token per row per step.
 * A row stops after it emits EOS ({@code config.eos_token_id}); from then on it emits EOS as padding and its new
 * positions are masked. No gradients are recorded.
 *
 * <p>Log-probs are those of the sampled tokens under softmax(logits / temperature) (under softmax(logits) for
 * greedy decoding), before any top-k/top-p truncation — the distribution PPO's ratio and KL use; the entropy of
 * each position is that distribution's. They come from the very logits each token was drawn from, so a policy
 * trainer takes log π_old from here instead of running the policy over the responses once more.
 */
public final class Sampler {

    /**
     * @param tokens   [B][maxNewTokens]: the generated tokens; after a row's EOS, EOS again as padding
     * @param lengths  per row, the tokens generated up to and including the first EOS (maxNewTokens if none)
     * @param logProbs [B][maxNewTokens]: log-prob of each generated token; 0 after the row finished
     * @param entropies [B][maxNewTokens]: H = −Σ_v p_v·log p_v of the distribution each token was drawn from; 0 after
     *                  the row finished
     */
    public record Result(int[][] tokens, int[] lengths, float[][] logProbs, float[][] entropies) {

        /** Each row's tokens up to and including its first EOS (all of them when it has none). */
        public int[][] finished() {
            int[][] out = new int[tokens.length][];
            for (int r = 0; r < tokens.length; r++) out[r] = java.util.Arrays.copyOf(tokens[r], lengths[r]);
            return out;
        }

        /** Whether each row ended with {@code eosId} within the limit. */
        public boolean[] endedWithEos(int eosId) {
            boolean[] out = new boolean[tokens.length];
            for (int r = 0; r < tokens.length; r++) out[r] = tokens[r][lengths[r] - 1] == eosId;
            return out;
        }
    }

    private final CausalLm model;

    public Sampler(CausalLm model) {
        this.model = model;
    }

    /** Generates with the KV cache. */
    public Result generate(int[][] prompts, SamplingConfig config) {
        return generate(prompts, config, true);
    }

    /** Generates with or without the KV cache (without: the whole sequence is recomputed every step). */
    public Result generate(int[][] prompts, SamplingConfig config, boolean useCache) {
        int b = prompts.length;
        int p = Arrays.stream(prompts).mapToInt(r -> r.length).max().orElseThrow();
        if (Arrays.stream(prompts).anyMatch(r -> r.length == 0)) throw new IllegalArgumentException("empty prompt");
        int n = config.maxNewTokens();
        int total = p + n;
        if (total > model.config().max_position_embeddings()) {
            throw new IllegalArgumentException("prompt " + p + " + new " + n + " exceeds n_positions "
                    + model.config().max_position_embeddings());
        }
        int eos = model.config().eos_token_id();
        int[] ids = new int[b * total];    // left-padded sequences so far, row-major [B, total]
        int[] mask = new int[b * total];
        Arrays.fill(ids, eos);
        for (int r = 0; r < b; r++) {
            int pad = p - prompts[r].length;
            for (int j = 0; j < prompts[r].length; j++) {
                ids[r * total + pad + j] = prompts[r][j];
                mask[r * total + pad + j] = 1;
            }
        }
        int[][] tokens = new int[b][n];
        float[][] logProbs = new float[b][n], entropies = new float[b][n];
        int[] lengths = new int[b];
        boolean[] finished = new boolean[b];
        Random rng = new Random(config.seed());

        try (NDManager gen = model.manager().newSubManager()) {
            KvCache cache = useCache ? new KvCache(model.config(), gen, b, total, model.dataType()) : null;
            for (int s = 0; s < n; s++) {
                int len = p + s; // positions already known
                try (NDManager step = gen.newSubManager()) {
                    NDArray last;
                    if (!useCache) {
                        last = lastLogits(step, ids, mask, b, total, 0, len, null);
                    } else if (s == 0) {
                        last = lastLogits(step, ids, mask, b, total, 0, p, cache);     // the prefix, once
                    } else {
                        last = lastLogits(step, ids, mask, b, total, len - 1, len, cache); // one new token
                    }
                    Draw d = draw(last, config, rng, finished);
                    int[] next = d.tokens();
                    for (int r = 0; r < b; r++) {
                        if (finished[r]) {
                            tokens[r][s] = eos;
                            continue;
                        }
                        tokens[r][s] = next[r];
                        logProbs[r][s] = d.logProbs()[r];
                        entropies[r][s] = d.entropies()[r];
                        lengths[r] = s + 1;
                        ids[r * total + len] = next[r];
                        mask[r * total + len] = 1;
                        if (next[r] == eos) finished[r] = true;
                    }
                }
                if (allTrue(finished)) {
                    for (int r = 0; r < b; r++) Arrays.fill(tokens[r], s + 1, n, eos);
                    break;
                }
            }
        }
        return new Result(tokens, lengths, logProbs, entropies);
    }

    /** Logits [B, V] at position {@code to − 1}, feeding columns [from, to) of the sequences. */
    private NDArray lastLogits(NDManager step, int[] ids, int[] mask, int b, int total, int from, int to, KvCache cache) {
        int t = to - from;
        int[] x = new int[b * t];
        int[] am = new int[b * to];
        for (int r = 0; r < b; r++) {
            System.arraycopy(ids, r * total + from, x, r * t, t);
            System.arraycopy(mask, r * total, am, r * to, to);
        }
        NDArray h = model.hidden(Constants.ints(step, x, new Shape(b, t)), Constants.ints(step, am, new Shape(b, to)), null,
                cache, t - 1);                                                // the last position only: [B, 1, d]
        NDArray last = LmHead.logits(model, h).squeeze(1);
        return MixedPrecision.toFloat32(last);                               // a half-precision model's, drawn from in float32
    }

    /** One step's draw: per row the token, its log-prob and the entropy of the distribution it came from. */
    private record Draw(int[] tokens, float[] logProbs, float[] entropies) {}

    /**
     * The next token of every row (argmax, or a draw from softmax(filtered logits / τ) with the seeded RNG), with
     * log softmax(logits / τ)[token] and −Σ_v p_v·log p_v (τ = 1 for greedy): all computed on the device and read back
     * in one copy.
     */
    private static Draw draw(NDArray logits, SamplingConfig c, Random rng, boolean[] finished) {
        int b = Math.toIntExact(logits.getShape().get(0));
        NDArray chosen, withMass;
        if (c.greedy()) {
            chosen = logits.argMax(-1);
            withMass = chosen.onesLike();
        } else {
            NDArray[] drawn = inverseCdf(filtered(logits, c), rng, finished);
            chosen = drawn[0];
            withMass = drawn[1];
        }
        double tau = c.greedy() ? 1.0 : c.temperature();
        NDArray logp = LmHead.logSoftmax(tau == 1.0 ? logits : logits.div(Constants.scalar(logits, tau)));  // [B, V]
        NDArray picked = logp.gather(chosen.expandDims(1), -1).squeeze(-1);                              // [B]
        NDList parts = new NDList(chosen, withMass, picked, LmHead.entropy(logp));
        for (int i = 0; i < parts.size(); i++) parts.set(i, parts.get(i).toType(DataType.FLOAT64, false));
        double[] all = NDArrays.stack(parts).toDoubleArray();                                            // [4, B]
        Draw d = new Draw(new int[b], new float[b], new float[b]);
        for (int r = 0; r < b; r++) {
            if (finished[r]) continue;
            if (all[b + r] == 0) {
                float[] row = logits.get(r).toFloatArray();
                throw new IllegalStateException("row " + r + " has no valid next-token distribution (NaN logits?): "
                        + Arrays.toString(Arrays.copyOf(row, Math.min(8, row.length))));
            }
            d.tokens()[r] = (int) all[r];
            d.logProbs()[r] = (float) all[2 * b + r];
            d.entropies()[r] = (float) all[3 * b + r];
        }
        return d;
    }

    /** logits / τ with top-k and top-p applied: the logits outside them get {@link AttentionMask#MASKED} added. */
    private static NDArray filtered(NDArray logits, SamplingConfig c) {
        NDArray scaled = logits.div(Constants.scalar(logits, c.temperature()));           // logits / τ
        NDArray masked = Constants.scalar(logits, AttentionMask.MASKED);
        int v = Math.toIntExact(scaled.getShape().get(1));
        if (c.topK() > 0 && c.topK() < v) {
            NDArray kth = scaled.topK(c.topK(), -1, true, true).get(0).get(":, -1:");   // [B, 1] k-th largest
            scaled = scaled.add(scaled.lt(kth).toType(DataType.FLOAT32, false).muli(masked));
        }
        if (c.topP() < 1) {
            NDArray sorted = scaled.neg().sort(-1).neg();                                // descending
            NDArray probs = sorted.softmax(-1);
            NDArray before = probs.cumSum(1).sub(probs);                                 // mass strictly above each
            NDArray drop = before.gte(Constants.scalar(before, c.topP())).toType(DataType.FLOAT32, false);          // the first is always kept
            NDArray threshold = sorted.sub(drop.muli(masked)).min(new int[] {1}, true); // smallest kept logit
            scaled = scaled.add(scaled.lt(threshold).toType(DataType.FLOAT32, false).muli(masked));
        }
        return scaled;
    }

    /**
     * Inverse CDF on the device: row r takes the first token whose cumulative probability under softmax(scaled)
     * exceeds its uniform u_r (drawn on the host from the seeded RNG; finished rows draw none), or the last token with
     * mass when rounding leaves u_r at or above the sum. Returns {tokens [B], number of tokens with mass [B]}.
     */
    private static NDArray[] inverseCdf(NDArray scaled, Random rng, boolean[] finished) {
        int b = finished.length, v = Math.toIntExact(scaled.getShape().get(1));
        NDArray probs = scaled.softmax(-1);                                              // [B, V]
        float[] u = new float[b];
        for (int r = 0; r < b; r++) if (!finished[r]) u[r] = (float) rng.nextDouble();
        NDArray uniform = Constants.floats(probs.getManager(), u, new Shape(b, 1));
        NDArray hasMass = probs.gt(Constants.scalar(probs, 0)).toType(DataType.INT64, false);
        NDArray first = probs.cumSum(1).lte(uniform).toType(DataType.INT64, false).sum(new int[] {1}); // # of cdf_j ≤ u
        NDArray positions = probs.getManager().arange(0, v, 1, DataType.INT64).reshape(1, v);
        NDArray lastWithMass = positions.mul(hasMass).max(new int[] {1});
        NDArray chosen = NDArrays.where(first.lt(Constants.scalar(first, v)), first, lastWithMass);
        return new NDArray[] {chosen, hasMass.sum(new int[] {1})};
    }

    private static boolean allTrue(boolean[] a) {
        for (boolean x : a) if (!x) return false;
        return true;
    }

}
