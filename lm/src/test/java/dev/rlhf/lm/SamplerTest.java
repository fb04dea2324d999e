package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    static final GPT2Config CONFIG = GPT2Config.of(40, 48, 32, 2, 4);
    static final int EOS = CONFIG.eos_token_id();
    static final int[][] PROMPTS = {{1, 2, 3, 4, 5}, {6, 7}, {8, 9, 10}, {11}};
    @AutoClose
    static final RandomGpt2 RANDOM = RandomGpt2.of(CONFIG, 11);
    static final NDManager root = RANDOM.root();
    static final GPT2 model = RANDOM.model();

    @Test
    void sameSeedSameSamplesOtherSeedOtherSamples() {
        Sampler s = new Sampler(model);
        SamplingConfig c = SamplingConfig.of(20, 1.0, 123);
        Sampler.Result a = s.generate(PROMPTS, c), b = s.generate(PROMPTS, c), other = s.generate(PROMPTS, c.withSeed(124));
        assertTrue(Arrays.deepEquals(a.tokens(), b.tokens()));
        assertTrue(Arrays.deepEquals(a.logProbs(), b.logProbs()));
        assertFalse(Arrays.deepEquals(a.tokens(), other.tokens()));
    }

    @Test
    void topKOneAndTinyTopPAndColdTemperatureAreGreedy() {
        Sampler s = new Sampler(model);
        int[][] greedy = s.generate(PROMPTS, SamplingConfig.greedy(12)).tokens();
        assertTrue(Arrays.deepEquals(greedy, s.generate(PROMPTS, SamplingConfig.of(12, 1.0, 5).withTopK(1)).tokens()));
        assertTrue(Arrays.deepEquals(greedy, s.generate(PROMPTS, SamplingConfig.of(12, 1.0, 5).withTopP(1e-6)).tokens()));
        assertTrue(Arrays.deepEquals(greedy, s.generate(PROMPTS, SamplingConfig.of(12, 1e-3, 5)).tokens()));
        // Greedy with and without the KV cache.
        assertTrue(Arrays.deepEquals(greedy, s.generate(PROMPTS, SamplingConfig.greedy(12), false).tokens()));
    }

    /**
     * 8,000 draws of one token after the same prompt, at τ 0.7: each token's share is its probability under
     * softmax(logits / τ) within four standard errors, so a draw shifted by one token, or one that ignores τ, fails.
     */
    @Test
    void drawsFollowTheTemperedDistribution() {
        int n = 8000;
        double tau = 0.7;
        int[][] prompt = new int[n][];
        Arrays.fill(prompt, new int[] {3, 1, 4});
        double[] p = new double[CONFIG.vocab_size()];
        try (NDManager m = root.newSubManager()) {
            float[] q = model.logits(m.create(new int[] {3, 1, 4}, new Shape(1, 3))).get(0, 2).div(tau).softmax(-1).toFloatArray();
            for (int i = 0; i < p.length; i++) p[i] = q[i];
        }
        int[] count = new int[p.length];
        for (int[] row : new Sampler(model).generate(prompt, SamplingConfig.of(1, tau, 21)).tokens()) count[row[0]]++;
        int checked = 0;
        for (int i = 0; i < p.length; i++) {
            double se = Math.sqrt(p[i] * (1 - p[i]) / n), share = (double) count[i] / n;
            assertEquals(p[i], share, 4 * se + 1e-9, "token " + i + ": p " + p[i] + ", drawn " + count[i] + " of " + n);
            if (p[i] > 0.02) checked++;
        }
        assertTrue(checked >= 10, "tokens with a share above 2%: " + checked);
    }

    @Test
    void topKAndTopPKeepOnlyTheHead() {
        Sampler s = new Sampler(model);
        int[][] prompt = new int[200][];
        Arrays.fill(prompt, new int[] {3, 1, 4});
        float[] logits;
        try (NDManager m = root.newSubManager()) {
            logits = model.logits(m.create(new int[] {3, 1, 4}, new Shape(1, 3))).get(0, 2).toFloatArray();
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Float.compare(logits[y], logits[x]));
        java.util.Set<Integer> top3 = java.util.Set.of(order[0], order[1], order[2]);
        int[][] k3 = s.generate(prompt, SamplingConfig.of(1, 1.0, 7).withTopK(3)).tokens();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int[] row : k3) seen.add(row[0]);
        assertTrue(top3.containsAll(seen), "top-3 draws " + seen + " outside " + top3);
        assertEquals(3, seen.size(), "200 draws from 3 tokens hit all 3");

        // Top-p = 0.3 keeps the head of the sorted distribution reaching 30% of the mass.
        double[] p = softmax(logits, 1.0);
        double mass = 0;
        java.util.Set<Integer> nucleus = new java.util.HashSet<>();
        for (Integer i : order) {
            if (mass >= 0.3) break;
            nucleus.add(i);
            mass += p[i];
        }
        java.util.Set<Integer> drawn = new java.util.HashSet<>();
        for (int[] row : s.generate(prompt, SamplingConfig.of(1, 1.0, 8).withTopP(0.3)).tokens()) drawn.add(row[0]);
        assertTrue(nucleus.containsAll(drawn), "top-p draws " + drawn + " outside " + nucleus);

        // A hot temperature spreads draws over more tokens than a cold one.
        java.util.Set<Integer> cold = new java.util.HashSet<>(), hot = new java.util.HashSet<>();
        for (int[] row : s.generate(prompt, SamplingConfig.of(1, 1e-3, 9)).tokens()) cold.add(row[0]);
        for (int[] row : s.generate(prompt, SamplingConfig.of(1, 1.0, 9)).tokens()) hot.add(row[0]);
        assertEquals(java.util.Set.of(order[0]), cold, "a cold temperature draws the argmax");
        assertTrue(hot.size() > 20, "temperature 1 on a fresh model spreads draws: " + hot.size());
    }

    /** The sampler's log-probs and entropies equal those of one uncached forward over prompt + response, at τ. */
    @Test
    void logProbsAreThoseOfTheTemperedDistribution() {
        double temperature = 0.7;
        int[][] prompts = {{1, 2, 3}, {4}};
        Sampler.Result r = new Sampler(model).generate(prompts, SamplingConfig.of(6, temperature, 3));
        for (int row = 0; row < prompts.length; row++) {
            int[] seq = new int[prompts[row].length + 6];
            System.arraycopy(prompts[row], 0, seq, 0, prompts[row].length);
            System.arraycopy(r.tokens()[row], 0, seq, prompts[row].length, 6);
            try (NDManager m = root.newSubManager()) {
                int n = seq.length - 1;
                NDArray logits = model.logits(m.create(Arrays.copyOf(seq, n), new Shape(1, n)));
                NDArray next = m.create(Arrays.copyOfRange(seq, 1, n + 1), new Shape(1, n));
                float[] lp = LmHead.logProbs(logits, next, temperature).toFloatArray();
                float[] h = LmHead.entropy(LmHead.logSoftmax(logits.div(temperature))).toFloatArray();
                int start = prompts[row].length - 1;
                for (int j = 0; j < r.lengths()[row]; j++) {
                    assertEquals(lp[start + j], r.logProbs()[row][j], 1e-4);
                    assertEquals(h[start + j], r.entropies()[row][j], 1e-4);
                }
                assertTrue(r.entropies()[row][0] > 0.5, "a fresh model's tempered distribution is spread: H " + r.entropies()[row][0]);
            }
        }
    }

    @Test
    void aHalfPrecisionCopySamplesWithItsOwnCacheAndFloat32LogProbs() {
        try (NDManager m = root.newSubManager()) {
            CausalLm half = CONFIG.fromTensors(model.namedTensors(), m, DataType.FLOAT16);
            assertEquals(DataType.FLOAT16, half.dataType());
            Sampler s = new Sampler(half);
            SamplingConfig c = SamplingConfig.of(12, 0.7, 9);
            Sampler.Result cached = s.generate(PROMPTS, c), uncached = s.generate(PROMPTS, c, false);
            assertTrue(Arrays.deepEquals(cached.tokens(), uncached.tokens()));
            // The same tokens scored by the float32 model: the half copy's log-probs agree to its rounding.
            Sampler.Result full = new Sampler(model).generate(PROMPTS, c);
            for (int row = 0; row < PROMPTS.length; row++) {
                for (int j = 0; j < cached.lengths()[row]; j++) {
                    assertEquals(cached.logProbs()[row][j], uncached.logProbs()[row][j], 1e-2);
                }
            }
            assertTrue(Arrays.deepEquals(full.tokens(), cached.tokens()), "a 2-layer model's draws survive float16");
            for (int row = 0; row < PROMPTS.length; row++) {
                for (int j = 0; j < full.lengths()[row]; j++) assertEquals(full.logProbs()[row][j], cached.logProbs()[row][j], 2e-2);
            }
        }
    }

    @Test
    void rowsStopAtEosAndThenPad() {
        // Make EOS likely everywhere: every final hidden state is ln_f.bias = u, and wte[EOS] = 3·u.
        try (NDManager tmp = root.newSubManager()) {
            java.util.Map<String, NDArray> t = new java.util.LinkedHashMap<>(model.namedTensors());
            float[] u = new float[CONFIG.n_embd()];
            for (int i = 0; i < u.length; i++) u[i] = (i % 2 == 0 ? 1f : -1f) * 0.3f;
            float[] wte = model.wte().toFloatArray();
            for (int i = 0; i < u.length; i++) wte[EOS * u.length + i] = 3 * u[i];
            t.put("wte.weight", tmp.create(wte, model.wte().getShape()));
            t.put("ln_f.weight", tmp.zeros(new Shape(u.length)));
            t.put("ln_f.bias", tmp.create(u));
            try (GPT2 eosModel = GPT2.fromTensors(CONFIG, t, root)) {
                int[][] prompts = new int[16][];
                Arrays.fill(prompts, new int[] {1, 2});
                Sampler.Result r = new Sampler(eosModel).generate(prompts, SamplingConfig.of(30, 2.0, 4));
                int stopped = 0;
                for (int row = 0; row < prompts.length; row++) {
                    int[] tok = r.tokens()[row];
                    int first = -1;
                    for (int j = 0; j < tok.length && first < 0; j++) if (tok[j] == EOS) first = j;
                    if (first < 0) {
                        assertEquals(30, r.lengths()[row]);
                        continue;
                    }
                    stopped++;
                    assertEquals(first + 1, r.lengths()[row]);
                    for (int j = first + 1; j < tok.length; j++) {
                        assertEquals(EOS, tok[j]);
                        assertEquals(0f, r.logProbs()[row][j]);
                        assertEquals(0f, r.entropies()[row][j]);
                    }
                }
                assertTrue(stopped >= 12, "rows that stopped: " + stopped);
                assertTrue(Arrays.stream(r.lengths()).distinct().count() > 1, "rows stop at different steps");
            }
        }
    }

    static double[] softmax(float[] z, double t) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float x : z) max = Math.max(max, x / t);
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) sum += p[i] = Math.exp(z[i] / t - max);
        for (int i = 0; i < z.length; i++) p[i] /= sum;
        return p;
    }
}
