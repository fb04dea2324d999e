package dev.rlhf.reward.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The float32 matrix-multiply rate the engine reaches on this machine: the best of {@code repeats} timings of an
 * n×n by n×n product, 2·n³ floating-point operations each. The ceiling a training step's FLOP rate is compared to.
 */
public final class GemmPeak {

    private GemmPeak() {
    }

    /** GFLOP/s = 2·n³ / best time. */
    public static double gflops(NDManager parent, int n, int repeats) {
        double best = Double.MAX_VALUE;
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n), DataType.FLOAT32);
            NDArray b = m.randomNormal(new Shape(n, n), DataType.FLOAT32);
            a.matMul(b).close();                                     // warm-up
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.getFloat(0, 0);                                    // wait for the result
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                c.close();
            }
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
