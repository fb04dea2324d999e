package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.dpo.DpoLoss;
import dev.rlhf.lm.Constants;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The DPO losses against values computed by hand in double precision. */
class DpoLossTest {

    private static double logSigmoid(double x) {
        return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    }

    @Test
    void sigmoidAndIpoMatchTheirFormulas() {
        float[] h = {0f, 1.5f, -2f, 80f, -300f};
        double beta = 0.5, eps = 0.1;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray hs = Constants.floats(m, h);
            float[] plain = DpoLoss.sigmoid(hs, beta, 0).toFloatArray();
            float[] smoothed = DpoLoss.sigmoid(hs, beta, eps).toFloatArray();
            float[] ipo = DpoLoss.ipo(hs, beta).toFloatArray();
            for (int i = 0; i < h.length; i++) {
                double bh = beta * h[i];
                assertEquals(-logSigmoid(bh), plain[i], 1e-4 * Math.max(1, Math.abs(bh)), "−log σ(βh) at h " + h[i]);
                assertEquals(-(1 - eps) * logSigmoid(bh) - eps * logSigmoid(-bh), smoothed[i],
                        1e-4 * Math.max(1, Math.abs(bh)), "smoothed at h " + h[i]);
                double d = h[i] - 1 / (2 * beta);
                assertEquals(d * d, ipo[i], 1e-3 * Math.max(1, d * d), "(h − 1/(2β))² at h " + h[i]);
            }
        }
    }
}
