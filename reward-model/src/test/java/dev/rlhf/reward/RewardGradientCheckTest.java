package dev.rlhf.reward;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.Gradients;
import dev.rlhf.lm.ScalarHead;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Float64 checks of the reward model's two differentiable pieces on a real GPT-2 trunk: the scalar head read at each
 * row's last real token (left and right padding), and the preference loss ({@link PreferenceLoss#perExample} and
 * {@link PreferenceLoss#weighted}) for pairs with margins and for best-of-4. Each value is checked against the formula
 * evaluated in plain Java, autograd's gradient at a non-leaf tensor (the hidden states, the rewards; a zero array is
 * added there) against the closed form and central finite differences, and parameter gradients against central
 * finite differences.
 */
class RewardGradientCheckTest {

    static final GPT2Config CONFIG = GPT2Config.of(20, 16, 16, 2, 2);
    static final int EOS = CONFIG.eos_token_id(), D = CONFIG.n_embd();
    static final double H = 1e-5;

    static RewardModel float64Model(NDManager root) {
        try (GPT2 trunk = new GPT2(CONFIG, root, 3); ScalarHead head = new ScalarHead(D, root, 4)) {
            return new RewardModel(GPT2.fromTensors(CONFIG, trunk.namedTensors(), root, DataType.FLOAT64),
                    ScalarHead.fromTensors(head.namedTensors(), root, DataType.FLOAT64));
        }
    }

    // ---- the head at the last real token ----

    // Row 0 right padded (4 real), row 1 full, row 2 left padded by 2, row 3 a single real token then padding.
    static final int T = 6;
    static final int[] IDS = {3, 7, 1, 9, EOS, EOS, 5, 2, 19, 8, 4, 12, EOS, EOS, 6, 11, 2, 13, 10, EOS, EOS, EOS, EOS, EOS};
    static final int[] MASK = {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
    static final int[] LAST = {3, 5, 5, 0};
    static final double[] COEF = {0.7, -1.3, 0.4, 1.1};            // L = Σ_b c_b·r_b

    @Test
    void scalarHeadAtTheLastRealToken() {
        int b = LAST.length;
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             RewardModel model = float64Model(root)) {
            double[] w = model.head().namedTensors().get(ScalarHead.WEIGHT).toDoubleArray();
            double bias = 0.25;
            model.head().namedTensors().get(ScalarHead.BIAS).set(new double[] {bias});
            double[] zero = new double[b * T * D], hidden, rewards;
            try (NDManager m = root.newSubManager()) {
                NDArray[] in = inputs(m);
                hidden = model.trunk().hidden(in[0], in[1], null, null).toDoubleArray();
                rewards = model.rewards(in[0], in[1]).toDoubleArray();
                assertEquals(DataType.FLOAT64, model.rewards(in[0], in[1]).getDataType());
            }
            // r_b = w·h[b, last_b] + bias, and RewardModel.rewards is the composition the check differentiates
            double loss = 0;
            for (int r = 0; r < b; r++) {
                double expected = bias;
                for (int k = 0; k < D; k++) expected += w[k] * hidden[(r * T + LAST[r]) * D + k];
                assertEquals(expected, rewards[r], 1e-13, "reward of row " + r);
                loss += COEF[r] * expected;
            }
            assertEquals(loss, headLoss(model, zero, root), 1e-13);

            double[] gHidden, gW, gB;
            Map<String, NDArray> params = model.namedParameters();
            java.util.LinkedHashMap<String, double[]> grads = new java.util.LinkedHashMap<>();
            try (NDManager m = root.newSubManager()) {
                NDArray[] in = inputs(m);
                NDArray dh = m.zeros(new Shape(b, T, D), DataType.FLOAT64);
                dh.setRequiresGradient(true);
                Gradients.zero(params.values());
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.backward(headLoss(model, in, dh, m));
                }
                gHidden = Gradients.of(dh, m).toDoubleArray();
                for (Map.Entry<String, NDArray> e : params.entrySet()) grads.put(e.getKey(), Gradients.of(e.getValue(), m).toDoubleArray());
            }
            gW = grads.get(ScalarHead.WEIGHT);
            gB = grads.get(ScalarHead.BIAS);

            // closed forms: ∂L/∂h[b, t] = c_b·w at t = last_b and 0 elsewhere; ∂L/∂w = Σ c_b·h[b, last_b]; ∂L/∂bias = Σ c_b
            double sumC = 0;
            for (int r = 0; r < b; r++) {
                sumC += COEF[r];
                for (int t = 0; t < T; t++) {
                    for (int k = 0; k < D; k++) {
                        double expected = t == LAST[r] ? COEF[r] * w[k] : 0;
                        assertEquals(expected, gHidden[(r * T + t) * D + k], 1e-14, "∂L/∂h[" + r + "," + t + "," + k + "]");
                    }
                }
            }
            for (int k = 0; k < D; k++) {
                double expected = 0;
                for (int r = 0; r < b; r++) expected += COEF[r] * hidden[(r * T + LAST[r]) * D + k];
                assertEquals(expected, gW[k], 1e-13, "∂L/∂score.weight[" + k + "]");
            }
            assertEquals(sumC, gB[0], 1e-13, "∂L/∂score.bias");

            // finite differences at the hidden states: every row's last real position and a padding / earlier one
            int checked = 0;
            for (int r = 0; r < b; r++) {
                for (int t : new int[] {LAST[r], (LAST[r] + 2) % T}) {
                    for (int k : new int[] {1, 7, 12}) {
                        int i = (r * T + t) * D + k;
                        double[] up = zero.clone(), down = zero.clone();
                        up[i] = H;
                        down[i] = -H;
                        double numeric = (headLoss(model, up, root) - headLoss(model, down, root)) / (2 * H);
                        assertClose(numeric, gHidden[i], "∂L/∂h[" + r + "," + t + "," + k + "]");
                        if (Math.abs(numeric) > 1e-3) checked++;
                    }
                }
            }
            assertTrue(checked >= 12, "non-zero hidden-state gradients compared: " + checked);
            int paramsChecked = checkParameters(model, grads, new String[] {"wte.weight", "wpe.weight",
                    "h.0.attn.c_attn.weight", "h.1.mlp.c_fc.weight", "h.1.attn.c_proj.weight", "ln_f.weight", "ln_f.bias",
                    ScalarHead.WEIGHT, ScalarHead.BIAS}, () -> headLoss(model, zero, root));
            assertTrue(paramsChecked >= 20, "non-zero parameter gradients compared: " + paramsChecked);
        }
    }

    static NDArray[] inputs(NDManager m) {
        return new NDArray[] {Constants.ints(m, IDS, new Shape(LAST.length, T)), Constants.ints(m, MASK, new Shape(LAST.length, T))};
    }

    /** Σ_b c_b·head.atLastToken(trunk.hidden(ids, mask) + dh, mask)_b. */
    static NDArray headLoss(RewardModel model, NDArray[] in, NDArray dh, NDManager m) {
        NDArray h = model.trunk().hidden(in[0], in[1], null, null).add(dh);
        NDArray r = model.head().atLastToken(h, in[1]);
        return r.mul(doubles(m, COEF, new Shape(COEF.length))).sum();
    }

    static double headLoss(RewardModel model, double[] dh, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            return headLoss(model, inputs(m), doubles(m, dh, new Shape(LAST.length, T, D)), m).getDouble();
        }
    }

    // ---- the preference loss ----

    // Three pairs (k = 2) with margins, two best-of-4 examples; weights sum to an exact 4.5.
    static final int[] CHOSEN2 = {0, 1, 1}, CHOSEN4 = {2, 0};
    static final float[] MARGIN2 = {0.5f, 0f, 1.0f}, MARGIN4 = {0.25f, 0f};
    static final float[] WEIGHT2 = {1f, 0.5f, 0.75f}, WEIGHT4 = {1f, 1.25f};
    static final double TOTAL_WEIGHT = 4.5;
    static final int CANDIDATES = 3 * 2 + 2 * 4;

    /** 14 candidate sequences of 3 to 8 tokens, each ending with EOS (what SequenceEncoder writes). */
    static List<int[]> candidates() {
        java.util.Random rng = new java.util.Random(8);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < CANDIDATES; i++) {
            int[] s = new int[3 + rng.nextInt(6)];
            for (int j = 0; j < s.length - 1; j++) s[j] = rng.nextInt(EOS);
            s[s.length - 1] = EOS;
            out.add(s);
        }
        return out;
    }

    /** {L, L_2 per example ×3, L_4 per example ×2} with dr added to the rewards; L as RewardTrainer sums the groups. */
    static NDArray[] preferenceLoss(RewardModel model, NDArray dr, NDManager m) {
        NDArray[] idsMask = SequenceEncoder.batch(candidates(), EOS, m);
        NDArray rewards = model.rewards(idsMask[0], idsMask[1]).add(dr);                   // [14]
        NDArray l2 = PreferenceLoss.perExample(rewards.get("0:6").reshape(3, 2), CHOSEN2, MARGIN2);
        NDArray l4 = PreferenceLoss.perExample(rewards.get("6:14").reshape(2, 4), CHOSEN4, MARGIN4);
        NDArray loss = PreferenceLoss.weighted(l2, WEIGHT2, TOTAL_WEIGHT).add(PreferenceLoss.weighted(l4, WEIGHT4, TOTAL_WEIGHT));
        return new NDArray[] {loss, l2, l4};
    }

    static double preferenceLoss(RewardModel model, double[] dr, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            return preferenceLoss(model, doubles(m, dr, new Shape(CANDIDATES)), m)[0].getDouble();
        }
    }

    @Test
    void preferenceLossForPairsWithMarginsAndBestOfFour() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             RewardModel model = float64Model(root)) {
            // spread the rewards so that the softmax is not flat: a larger head
            NDArray w = model.head().namedTensors().get(ScalarHead.WEIGHT);
            double[] wv = w.toDoubleArray();
            for (int i = 0; i < wv.length; i++) wv[i] *= 4;
            w.set(wv);
            double[] zero = new double[CANDIDATES], r, l2, l4;
            double loss;
            try (NDManager m = root.newSubManager()) {
                NDArray[] idsMask = SequenceEncoder.batch(candidates(), EOS, m);
                r = model.rewards(idsMask[0], idsMask[1]).toDoubleArray();
                NDArray[] out = preferenceLoss(model, m.zeros(new Shape(CANDIDATES), DataType.FLOAT64), m);
                assertEquals(DataType.FLOAT64, out[0].getDataType());
                loss = out[0].getDouble();
                l2 = out[1].toDoubleArray();
                l4 = out[2].toDoubleArray();
            }
            System.out.println("rewards " + java.util.Arrays.toString(r));

            // the formulas in plain Java, and the closed-form gradient at the rewards
            double[] dr = new double[CANDIDATES];
            double expectedLoss = 0;
            for (int i = 0; i < 3; i++) {
                double c = r[2 * i + CHOSEN2[i]], o = r[2 * i + 1 - CHOSEN2[i]];
                double pairwise = -Math.log(1 / (1 + Math.exp(-(c - o - MARGIN2[i]))));   // −log σ(r_c − r_r − m)
                assertEquals(pairwise, l2[i], 1e-13, "pair " + i);
                expectedLoss += WEIGHT2[i] * pairwise / TOTAL_WEIGHT;
                double[] g = softmaxGradient(r, 2 * i, 2, CHOSEN2[i], MARGIN2[i]);
                for (int j = 0; j < 2; j++) dr[2 * i + j] = WEIGHT2[i] * g[j] / TOTAL_WEIGHT;
            }
            for (int i = 0; i < 2; i++) {
                int from = 6 + 4 * i;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < 4; j++) max = Math.max(max, shifted(r, from, j, CHOSEN4[i], MARGIN4[i]));
                for (int j = 0; j < 4; j++) sum += Math.exp(shifted(r, from, j, CHOSEN4[i], MARGIN4[i]) - max);
                double l = -(shifted(r, from, CHOSEN4[i], CHOSEN4[i], MARGIN4[i]) - max - Math.log(sum)); // −log softmax_c
                assertEquals(l, l4[i], 1e-13, "best-of-4 example " + i);
                expectedLoss += WEIGHT4[i] * l / TOTAL_WEIGHT;
                double[] g = softmaxGradient(r, from, 4, CHOSEN4[i], MARGIN4[i]);
                for (int j = 0; j < 4; j++) dr[from + j] = WEIGHT4[i] * g[j] / TOTAL_WEIGHT;
            }
            assertEquals(expectedLoss, loss, 1e-13, "Σ w·L / Σ w");
            assertTrue(l2[0] != l2[1] && MARGIN2[0] > 0, "the margin changes the loss");

            // autograd once: the rewards (a non-leaf: the reward model's output) and every parameter
            Map<String, NDArray> params = model.namedParameters();
            java.util.LinkedHashMap<String, double[]> grads = new java.util.LinkedHashMap<>();
            double[] gr;
            try (NDManager m = root.newSubManager()) {
                NDArray d = m.zeros(new Shape(CANDIDATES), DataType.FLOAT64);
                d.setRequiresGradient(true);
                Gradients.zero(params.values());
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.backward(preferenceLoss(model, d, m)[0]);
                }
                gr = Gradients.of(d, m).toDoubleArray();
                for (Map.Entry<String, NDArray> e : params.entrySet()) grads.put(e.getKey(), Gradients.of(e.getValue(), m).toDoubleArray());
            }
            for (int i = 0; i < CANDIDATES; i++) {
                assertEquals(dr[i], gr[i], 1e-14, "∂L/∂r[" + i + "] (closed form)");
                double[] up = zero.clone(), down = zero.clone();
                up[i] = H;
                down[i] = -H;
                double numeric = (preferenceLoss(model, up, root) - preferenceLoss(model, down, root)) / (2 * H);
                assertClose(numeric, gr[i], "∂L/∂r[" + i + "]");
                assertTrue(Math.abs(numeric) > 1e-5, "∂L/∂r[" + i + "] is not ~0: " + numeric);
            }
            // every candidate's reward moves by the bias: the softmax does not see it
            assertEquals(0, grads.get(ScalarHead.BIAS)[0], 1e-14, "∂L/∂score.bias");
            int paramsChecked = checkParameters(model, grads, new String[] {"wte.weight", "wpe.weight",
                    "h.0.attn.c_attn.weight", "h.0.mlp.c_proj.weight", "h.1.ln_1.weight", "h.1.attn.c_attn.bias",
                    "ln_f.weight", ScalarHead.WEIGHT}, () -> preferenceLoss(model, zero, root));
            assertTrue(paramsChecked >= 20, "non-zero parameter gradients compared: " + paramsChecked);
        }
    }

    /** z_j = r_j − m·1[j = chosen]. */
    static double shifted(double[] r, int from, int j, int chosen, double margin) {
        return r[from + j] - (j == chosen ? margin : 0);
    }

    /** ∂(−log softmax(z)_c)/∂r_j = softmax(z)_j − 1[j = c], z = r − m·e_c. */
    static double[] softmaxGradient(double[] r, int from, int k, int chosen, double margin) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < k; j++) max = Math.max(max, shifted(r, from, j, chosen, margin));
        for (int j = 0; j < k; j++) sum += Math.exp(shifted(r, from, j, chosen, margin) - max);
        double[] g = new double[k];
        for (int j = 0; j < k; j++) g[j] = Math.exp(shifted(r, from, j, chosen, margin) - max) / sum - (j == chosen ? 1 : 0);
        return g;
    }

    // ---- shared ----

    /** Central differences at four entries of each named parameter; returns how many were clearly non-zero. */
    static int checkParameters(RewardModel model, Map<String, double[]> grads, String[] names,
                               java.util.function.DoubleSupplier loss) {
        int checked = 0;
        for (String name : names) {
            NDArray p = model.namedParameters().get(name);
            double[] values = p.toDoubleArray(), g = grads.get(name);
            for (int k = 0; k < Math.min(4, values.length); k++) {
                int i = (int) ((long) (2 * k + 1) * values.length / 8);
                double saved = values[i];
                values[i] = saved + H;
                p.set(values);
                double up = loss.getAsDouble();
                values[i] = saved - H;
                p.set(values);
                double down = loss.getAsDouble();
                values[i] = saved;
                p.set(values);
                double numeric = (up - down) / (2 * H);
                assertClose(numeric, g[i], name + "[" + i + "]");
                if (Math.abs(numeric) > 1e-5) checked++;
            }
        }
        return checked;
    }

    /** Autograd and a central difference agree to 1e-9 plus 1e-6 of the value: a wrong factor is far outside that. */
    static void assertClose(double numeric, double autograd, String what) {
        assertEquals(numeric, autograd, 1e-9 + 1e-6 * Math.abs(numeric), what);
    }

    /** A float64 array holding exactly {@code v} (libtorch's storage, filled by a copy). */
    static NDArray doubles(NDManager m, double[] v, Shape shape) {
        NDArray a = m.zeros(shape, DataType.FLOAT64);
        a.set(v);
        return a;
    }
}
