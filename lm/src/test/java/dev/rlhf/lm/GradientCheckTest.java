package dev.rlhf.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Central finite differences of the loss of a tiny float64 model against DJL autograd. */
class GradientCheckTest {

    static final GPT2Config CONFIG = GPT2Config.of(20, 16, 16, 2, 2);
    // Two rows; the second is left padded by two positions.
    static final int[] IDS = {3, 7, 1, 9, 4, 12, 0, 0, 5, 2, 19, 8};
    static final int[] MASK = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1};
    static final int[] TARGETS = {7, 1, 9, 4, 12, 6, 0, 0, 2, 19, 8, 11};

    @Test
    void autogradMatchesFiniteDifferences() {
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 init = new GPT2(CONFIG, root, 3);
             GPT2 model = GPT2.fromTensors(CONFIG, init.namedTensors(), root, DataType.FLOAT64)) {
            try (NDManager m = root.newSubManager();
                 GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(loss(model, m));
            }
            String[] names = {"h.0.attn.c_attn.weight", "h.1.attn.c_proj.weight", "h.0.ln_1.weight", "h.1.ln_2.bias",
                    "h.0.mlp.c_fc.weight", "ln_f.weight", "wte.weight", "wpe.weight"};
            int checked = 0;
            for (String name : names) {
                NDArray p = model.namedTensors().get(name);
                double[] values = p.toDoubleArray();
                double[] grad;
                try (NDManager m = root.newSubManager()) {
                    grad = Gradients.of(p, m).toDoubleArray();
                }
                // A few entries spread over the tensor (for c_attn: in the q, k and v thirds).
                for (int k = 0; k < 4; k++) {
                    int i = (int) ((long) (2 * k + 1) * values.length / 8);
                    double h = 1e-5, saved = values[i];
                    values[i] = saved + h;
                    p.set(values);
                    double up = lossValue(model, root);
                    values[i] = saved - h;
                    p.set(values);
                    double down = lossValue(model, root);
                    values[i] = saved;
                    p.set(values);
                    double numeric = (up - down) / (2 * h);                    // (f(θ+h) − f(θ−h)) / 2h
                    assertEquals(numeric, grad[i], 1e-6 + 1e-4 * Math.abs(numeric), name + "[" + i + "]");
                    if (Math.abs(numeric) > 1e-6) checked++;
                }
            }
            assertTrue(checked >= 20, "too few non-zero gradients were compared: " + checked);
        }
    }

    /** Mean next-token NLL over real positions. */
    static NDArray loss(GPT2 model, NDManager m) {
        NDArray ids = m.create(IDS, new Shape(2, 6));
        NDArray mask = m.create(MASK, new Shape(2, 6));
        NDArray logits = model.logits(ids, mask, null, null);
        NDArray nll = LmHead.logProbs(logits, m.create(TARGETS, new Shape(2, 6))).neg();
        return nll.mul(mask.toType(DataType.FLOAT64, false)).sum().div(10.0);
    }

    static double lossValue(GPT2 model, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            NDArray l = loss(model, m);
            assertEquals(DataType.FLOAT64, l.getDataType());
            return l.getDouble();
        }
    }
}
