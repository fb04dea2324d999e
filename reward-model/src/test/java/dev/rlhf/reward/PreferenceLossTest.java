package dev.rlhf.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PreferenceLossTest {

    static double logSigmoid(double x) {
        return -Math.log1p(Math.exp(-x));
    }

    @Test
    void bestOfFourSoftmaxAgainstItsImpliedPairs() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] r = {1f, 2f, 0.5f, -1f};
            NDArray four = m.create(r).reshape(1, 4);
            double softmax = PreferenceLoss.perExample(four, new int[] {1}, new float[] {0}).getFloat(0);
            double z = Math.exp(1) + Math.exp(2) + Math.exp(0.5) + Math.exp(-1);
            assertEquals(-(2 - Math.log(z)), softmax, 1e-6);                  // −log softmax(r)_1 = log(12.1239) − 2
            assertEquals(0.49518, softmax, 1e-5);

            NDArray pairs = m.create(new float[] {2f, 1f, 2f, 0.5f, 2f, -1f}).reshape(3, 2);
            float[] each = PreferenceLoss.perExample(pairs, new int[] {0, 0, 0}, new float[] {0, 0, 0}).toFloatArray();
            assertEquals(-logSigmoid(1), each[0], 1e-6);                       // 0.3133
            assertEquals(-logSigmoid(1.5), each[1], 1e-6);                     // 0.2014
            assertEquals(-logSigmoid(3), each[2], 1e-6);                       // 0.0486
            // The softmax loss is larger than the mean of the pairwise ones here: one example, one normaliser.
            assertEquals(0.18775, (each[0] + each[1] + each[2]) / 3, 1e-5);
        }
    }

    @Test
    void marginAndWeights() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray r = m.create(new float[] {0.3f, 0.1f, 0.3f, 0.1f}).reshape(2, 2);
            NDArray per = PreferenceLoss.perExample(r, new int[] {0, 1}, new float[] {0.5f, 0f});
            assertArrayEquals(new float[] {(float) -logSigmoid(0.2 - 0.5), (float) -logSigmoid(0.1 - 0.3)},
                    per.toFloatArray(), 1e-6f);
            double weighted = PreferenceLoss.weighted(per, new float[] {1f, 0.25f}, 1.25).getFloat();
            assertEquals((-logSigmoid(-0.3) - 0.25 * logSigmoid(-0.2)) / 1.25, weighted, 1e-6);
            boolean[] ok = PreferenceLoss.correct(r, new int[] {0, 1});
            assertEquals(true, ok[0]);
            assertEquals(false, ok[1]);
        }
    }
}
