package dev.rlhf.ppo;

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
import dev.rlhf.lm.LmHead;
import dev.rlhf.lm.ScalarHead;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole PPO minibatch loss L = L_pg + c_v·L_v in float64, through a real GPT-2 policy and a value network laid out
 * as the trainer lays them out (left-padded prompts, response positions P−1 … P+N−2, softmax(logits / τ)), with some
 * ratios and value changes outside their clip ranges. Checked three ways:
 * <ul>
 *   <li>the loss value against a plain-Java evaluation of the paper's formula (a missing ½ or a flipped sign fails);</li>
 *   <li>autograd's gradient at two non-leaf tensors, the response logits and the values V(s_t) (a zero array added to
 *       each), against the closed form and against central finite differences;</li>
 *   <li>autograd's gradient of policy and value parameters against central finite differences.</li>
 * </ul>
 */
class PpoLossGradientCheckTest {

    static final GPT2Config CONFIG = GPT2Config.of(20, 16, 16, 2, 2);
    static final int EOS = CONFIG.eos_token_id();
    static final double TAU = 0.7, CLIP = 0.2, VALUE_CLIP = 0.2, VALUE_COEF = 0.1;
    // Three rows with prompts of 3, 2 and 4 tokens (so two are left padded); 5 response slots.
    static final int[][] QUERIES = {{3, 7, 1}, {5, 2}, {9, 4, 12, 6}};
    static final int[][] RESPONSES = {{4, 8, EOS, EOS, EOS}, {11, 2, 6, 13, EOS}, {1, 1, 15, 2, 7}};
    static final int[] LENGTHS = {3, 5, 5};
    static final int ROWS = 3, N = 5, V = CONFIG.vocab_size();
    // log ρ = log π − log π_old of the real tokens: inside [log 0.8, log 1.2] (±0.05, 0.1) and well outside it
    static final double[] LOG_RATIO = {0.5, -0.5, 0.05, -0.05, 0.35, -0.4, 0.1};
    static final double[] ADVANTAGE = {1.3, -0.7, 0.9, -1.1, 0.6, -1.5, 0.8, -0.4, 1.7};
    // V − V_old: inside ±0.05 and outside ±0.2; returns R − V
    static final double[] VALUE_CHANGE = {0.5, -0.45, 0.05, -0.1, 0.3, -0.35};
    static final double[] RETURN_GAP = {0.4, -0.3, -0.6, 0.2, 0.9, 0.25, -0.8};
    static final double H = 1e-5;
    static double worst;                       // the largest |numeric − autograd| as a share of the tolerance

    /** The fixed data of the minibatch (float64 [ROWS, N]); padding positions hold junk the mask must hide. */
    record Data(double[] oldLogp, double[] adv, double[] ret, double[] oldV) {}

    @Test
    void ppoLossValueAndGradientsMatchTheFormulaAndFiniteDifferences() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 policyInit = new GPT2(CONFIG, root, 5);
             GPT2 valueInit = new GPT2(CONFIG, root, 6);
             ScalarHead headInit = new ScalarHead(CONFIG.n_embd(), root, 7);
             GPT2 policy = GPT2.fromTensors(CONFIG, policyInit.namedTensors(), root, DataType.FLOAT64);
             ValueModel value = new ValueModel(GPT2.fromTensors(CONFIG, valueInit.namedTensors(), root, DataType.FLOAT64),
                     ScalarHead.fromTensors(headInit.namedTensors(), root, DataType.FLOAT64))) {
            Batch batch = Batch.of(QUERIES, RESPONSES, LENGTHS);
            double[] zeroLogits = new double[ROWS * N * V], zeroV = new double[ROWS * N];

            // Current log π and V (δ = 0), from which the data is built around them.
            double[] logits0, logp0, v0;
            try (NDManager m = root.newSubManager()) {
                Batch.Tensors b = batch.rows(0, ROWS, m);
                NDArray logits = LmHead.logits(policy, response(policy.hidden(b.ids(), b.attentionMask(), null, null), b));
                logits0 = logits.toDoubleArray();
                logp0 = LmHead.logProbs(logits, b.targets(), TAU).toDoubleArray();
                v0 = value.values(response(value.trunk().hidden(b.ids(), b.attentionMask(), null, null), b)).toDoubleArray();
            }
            Data data = data(logp0, v0);

            // (1) the value against the formula, evaluated here in plain Java
            Reference ref = reference(logits0, logp0, v0, data);
            double[] parts = lossParts(policy, value, batch, data, root);
            double loss = lossValue(policy, value, batch, data, zeroLogits, zeroV, root);
            System.out.printf("L_pg %.12f (reference %.12f), L_v %.12f (reference %.12f), L %.12f; tokens: %d clipped policy terms (gradient 0), %d outside the clip"
                            + " range but unclipped, %d inside; %d clipped value terms, %d unclipped outside%n",
                    parts[0], ref.policyLoss, parts[1], ref.valueLoss, loss, ref.pgClippedWins, ref.pgOutsideUnclipped, ref.pgInside, ref.vClippedWins, ref.vOutsideUnclipped);
            // 1e-7 of the value: PpoMath passes the clip bounds to the engine as float (0.8f, 1.2f, ±0.2f)
            assertEquals(ref.policyLoss, parts[0], 1e-7 * Math.abs(ref.policyLoss), "L_pg = mean max(−Aρ, −A·clip(ρ, 1±ε))");
            assertEquals(ref.valueLoss, parts[1], 1e-7 * Math.abs(ref.valueLoss), "L_v = ½·mean max((V−R)², (V_clip−R)²)");
            assertEquals(parts[0] + VALUE_COEF * parts[1], loss, 1e-15, "L = L_pg + c_v·L_v");
            assertTrue(ref.pgClippedWins >= 2 && ref.pgOutsideUnclipped >= 2 && ref.pgInside >= 2, "policy clip cases " + ref);
            assertTrue(ref.vClippedWins >= 2 && ref.vOutsideUnclipped >= 2, "value clip cases " + ref);

            // (2) + (3) autograd, once, with zero arrays added to the logits and the values
            Map<String, double[]> grads = new LinkedHashMap<>();
            Map<String, NDArray> params = new LinkedHashMap<>();
            policy.namedTensors().forEach((k, p) -> params.put("policy." + k, p));
            value.trunk().namedTensors().forEach((k, p) -> params.put("value." + k, p));
            value.head().namedTensors().forEach((k, p) -> params.put("value." + k, p));
            try (NDManager m = root.newSubManager()) {
                NDArray dLogits = m.zeros(new Shape(ROWS, N, V), DataType.FLOAT64);
                NDArray dV = m.zeros(new Shape(ROWS, N), DataType.FLOAT64);
                dLogits.setRequiresGradient(true);
                dV.setRequiresGradient(true);
                Gradients.zero(params.values());
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.backward(loss(policy, value, batch.rows(0, ROWS, m), data, dLogits, dV, m));
                }
                grads.put("logits", Gradients.of(dLogits, m).toDoubleArray());
                grads.put("values", Gradients.of(dV, m).toDoubleArray());
                for (Map.Entry<String, NDArray> e : params.entrySet()) grads.put(e.getKey(), Gradients.of(e.getValue(), m).toDoubleArray());
            }

            // (2) non-leaf inputs: the closed form at every entry, finite differences at a spread of entries
            double[] gLogits = grads.get("logits"), gV = grads.get("values");
            for (int i = 0; i < gV.length; i++) assertEquals(ref.dV[i], gV[i], 1e-13, "∂L/∂V at " + i);
            for (int i = 0; i < gLogits.length; i++) assertEquals(ref.dLogits[i], gLogits[i], 1e-13, "∂L/∂logits at " + i);
            int checked = 0;
            for (int i = 0; i < gV.length; i++) {
                double[] up = zeroV.clone(), down = zeroV.clone();
                up[i] = H;
                down[i] = -H;
                double numeric = (lossValue(policy, value, batch, data, zeroLogits, up, root)
                        - lossValue(policy, value, batch, data, zeroLogits, down, root)) / (2 * H);
                assertClose(numeric, gV[i], "∂L/∂V at " + i);
                if (Math.abs(numeric) > 1e-4) checked++;
            }
            for (int r = 0; r < ROWS; r++) {
                for (int t = 0; t < N; t++) {
                    // the target token's logit and two others at every position, real or padding
                    int target = RESPONSES[r][t];
                    for (int v : new int[] {target, (target + 3) % V, (target + 11) % V}) {
                        int i = (r * N + t) * V + v;
                        double[] up = zeroLogits.clone(), down = zeroLogits.clone();
                        up[i] = H;
                        down[i] = -H;
                        double numeric = (lossValue(policy, value, batch, data, up, zeroV, root)
                                - lossValue(policy, value, batch, data, down, zeroV, root)) / (2 * H);
                        assertClose(numeric, gLogits[i], "∂L/∂logits[" + r + "," + t + "," + v + "]");
                        if (Math.abs(numeric) > 1e-4) checked++;
                    }
                }
            }
            assertTrue(checked >= 20, "non-zero input gradients compared: " + checked);

            // (3) parameters of both networks
            String[] names = {"policy.wte.weight", "policy.wpe.weight", "policy.h.0.attn.c_attn.weight",
                    "policy.h.1.mlp.c_proj.weight", "policy.ln_f.weight", "value.h.0.attn.c_attn.weight",
                    "value.h.1.ln_2.bias", "value.ln_f.weight", "value.score.weight", "value.score.bias"};
            int paramsChecked = 0;
            for (String name : names) {
                NDArray p = params.get(name);
                double[] values = p.toDoubleArray(), g = grads.get(name);
                for (int k = 0; k < Math.min(4, values.length); k++) {
                    int i = (int) ((long) (2 * k + 1) * values.length / 8);
                    double saved = values[i];
                    values[i] = saved + H;
                    p.set(values);
                    double up = lossValue(policy, value, batch, data, zeroLogits, zeroV, root);
                    values[i] = saved - H;
                    p.set(values);
                    double down = lossValue(policy, value, batch, data, zeroLogits, zeroV, root);
                    values[i] = saved;
                    p.set(values);
                    double numeric = (up - down) / (2 * H);
                    assertClose(numeric, g[i], name + "[" + i + "]");
                    if (Math.abs(numeric) > 1e-5) paramsChecked++;
                }
            }
            System.out.printf("%d input and %d parameter gradients compared; worst difference %.3f of the tolerance%n",
                    checked, paramsChecked, worst);
            assertTrue(paramsChecked >= 25, "non-zero parameter gradients compared: " + paramsChecked);
        }
    }

    /** Autograd and a central difference agree to 1e-9 plus 1e-6 of the value: a wrong factor is far outside that. */
    static void assertClose(double numeric, double autograd, String what) {
        worst = Math.max(worst, Math.abs(numeric - autograd) / (1e-9 + 1e-6 * Math.abs(numeric)));
        assertEquals(numeric, autograd, 1e-9 + 1e-6 * Math.abs(numeric), what);
    }

    /** The hidden states at the positions that predict the response tokens, P−1 … P+N−2 (as the trainer reads them). */
    static NDArray response(NDArray hidden, Batch.Tensors b) {
        return hidden.get(":, {}:{}, :", b.promptLength() - 1, b.promptLength() - 1 + b.responseLength());
    }

    /** The trainer's minibatch loss with dLogits added to the response logits and dV to the values. */
    static NDArray loss(GPT2 policy, ValueModel value, Batch.Tensors b, Data data, NDArray dLogits, NDArray dV, NDManager m) {
        Shape s = new Shape(ROWS, N);
        NDArray logits = LmHead.logits(policy, response(policy.hidden(b.ids(), b.attentionMask(), null, null), b)).add(dLogits);
        NDArray logp = LmHead.logProbs(logits, b.targets(), TAU);                                        // log π_θ
        NDArray pg = PpoMath.policyLoss(logp, doubles(m, data.oldLogp, s), doubles(m, data.adv, s), b.responseMask(), CLIP);
        NDArray v = value.values(response(value.trunk().hidden(b.ids(), b.attentionMask(), null, null), b)).add(dV);
        NDArray vl = PpoMath.valueLoss(v, doubles(m, data.oldV, s), doubles(m, data.ret, s), b.responseMask(), VALUE_CLIP);
        return pg.add(vl.mul(Constants.scalar(vl, VALUE_COEF)));                                        // L_pg + c_v·L_v
    }

    /** {L_pg, L_v} of the unperturbed minibatch. */
    static double[] lossParts(GPT2 policy, ValueModel value, Batch batch, Data data, NDManager root) {
        Shape s = new Shape(ROWS, N);
        try (NDManager m = root.newSubManager()) {
            Batch.Tensors b = batch.rows(0, ROWS, m);
            NDArray logp = LmHead.logProbs(LmHead.logits(policy, response(policy.hidden(b.ids(), b.attentionMask(), null, null), b)),
                    b.targets(), TAU);
            NDArray v = value.values(response(value.trunk().hidden(b.ids(), b.attentionMask(), null, null), b));
            return new double[] {
                    PpoMath.policyLoss(logp, doubles(m, data.oldLogp, s), doubles(m, data.adv, s), b.responseMask(), CLIP).getDouble(),
                    PpoMath.valueLoss(v, doubles(m, data.oldV, s), doubles(m, data.ret, s), b.responseMask(), VALUE_CLIP).getDouble()};
        }
    }

    static double lossValue(GPT2 policy, ValueModel value, Batch batch, Data data, double[] dLogits, double[] dV, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            NDArray l = loss(policy, value, batch.rows(0, ROWS, m), data, doubles(m, dLogits, new Shape(ROWS, N, V)),
                    doubles(m, dV, new Shape(ROWS, N)), m);
            assertEquals(DataType.FLOAT64, l.getDataType());
            return l.getDouble();
        }
    }

    /** A float64 array holding exactly {@code v} (libtorch's storage, filled by a copy). */
    static NDArray doubles(NDManager m, double[] v, Shape shape) {
        NDArray a = m.zeros(shape, DataType.FLOAT64);
        a.set(v);
        return a;
    }

    /** Old log-probs, advantages, returns and old values around the current ones; junk on padding. */
    static Data data(double[] logp0, double[] v0) {
        double[] oldLogp = new double[ROWS * N], adv = new double[ROWS * N], ret = new double[ROWS * N], oldV = new double[ROWS * N];
        int k = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int t = 0; t < N; t++) {
                int i = r * N + t;
                if (t < LENGTHS[r]) {
                    oldLogp[i] = logp0[i] - LOG_RATIO[k % LOG_RATIO.length];
                    adv[i] = ADVANTAGE[k % ADVANTAGE.length];
                    oldV[i] = v0[i] - VALUE_CHANGE[k % VALUE_CHANGE.length];
                    ret[i] = v0[i] + RETURN_GAP[k % RETURN_GAP.length];
                    k++;
                } else {
                    oldLogp[i] = -3;
                    adv[i] = 2.5;
                    oldV[i] = 1.5;
                    ret[i] = -4;
                }
            }
        }
        return new Data(oldLogp, adv, ret, oldV);
    }

    /** The loss and its gradients at the logits and values, computed from the formulas in plain Java. */
    static final class Reference {
        double policyLoss, valueLoss;
        double[] dLogits = new double[ROWS * N * V], dV = new double[ROWS * N];
        int pgClippedWins, pgOutsideUnclipped, pgInside, vClippedWins, vOutsideUnclipped;

        @Override
        public String toString() {
            return "policy: clipped " + pgClippedWins + ", outside unclipped " + pgOutsideUnclipped + ", inside " + pgInside
                    + "; value: clipped " + vClippedWins + ", outside unclipped " + vOutsideUnclipped;
        }
    }

    static Reference reference(double[] logits, double[] logp, double[] v, Data d) {
        Reference ref = new Reference();
        int tokens = 0;
        for (int len : LENGTHS) tokens += len;
        double pg = 0, vl = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int t = 0; t < LENGTHS[r]; t++) {
                int i = r * N + t;
                double a = d.adv[i], rho = Math.exp(logp[i] - d.oldLogp[i]);
                double unclipped = -a * rho, clipped = -a * Math.min(Math.max(rho, 1 - CLIP), 1 + CLIP);
                pg += Math.max(unclipped, clipped);                                    // max(−Aρ, −A·clip(ρ))
                boolean inside = rho >= 1 - CLIP && rho <= 1 + CLIP;
                double dLogp;
                if (inside) {
                    ref.pgInside++;
                    dLogp = -a * rho;
                } else if (unclipped > clipped) {
                    ref.pgOutsideUnclipped++;
                    dLogp = -a * rho;                                                  // ∂(−Aρ)/∂log π = −Aρ
                } else {
                    ref.pgClippedWins++;
                    dLogp = 0;                                                         // the clipped term is constant
                }
                dLogp /= tokens;
                // ∂log softmax(z/τ)_y / ∂z_v = (1[v = y] − softmax(z/τ)_v) / τ
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int u = 0; u < V; u++) max = Math.max(max, logits[i * V + u] / TAU);
                for (int u = 0; u < V; u++) sum += Math.exp(logits[i * V + u] / TAU - max);
                for (int u = 0; u < V; u++) {
                    double p = Math.exp(logits[i * V + u] / TAU - max) / sum;
                    ref.dLogits[i * V + u] = dLogp * ((u == RESPONSES[r][t] ? 1 : 0) - p) / TAU;
                }

                double change = v[i] - d.oldV[i];
                double vClip = d.oldV[i] + Math.min(Math.max(change, -VALUE_CLIP), VALUE_CLIP);
                double e1 = (v[i] - d.ret[i]) * (v[i] - d.ret[i]), e2 = (vClip - d.ret[i]) * (vClip - d.ret[i]);
                vl += Math.max(e1, e2);                                                // max((V−R)², (V_clip−R)²)
                boolean vInside = Math.abs(change) <= VALUE_CLIP;
                if (!vInside && e2 > e1) ref.vClippedWins++;
                if (!vInside && e1 > e2) ref.vOutsideUnclipped++;
                ref.dV[i] = vInside || e1 > e2 ? VALUE_COEF * (v[i] - d.ret[i]) / tokens : 0; // c_v·½·2(V−R)/n
            }
        }
        ref.policyLoss = pg / tokens;
        ref.valueLoss = 0.5 * vl / tokens;
        return ref;
    }
}
