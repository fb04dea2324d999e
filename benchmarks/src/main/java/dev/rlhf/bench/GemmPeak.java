package dev.rlhf.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The float32 matrix-multiply rate the engine reaches on this machine at a model's own shapes: the ceiling that a
 * training step's FLOP rate (MFU) is measured against. Every benchmark of the project takes its peak from here.
 */
public final class GemmPeak {

    private GemmPeak() {
    }

    /** The four GEMMs of a GPT-2 step over {@code tokens} rows: qkv [d,3d], MLP in [d,4d] and out [4d,d], LM head. */
    public static int[][] modelShapes(int tokens, int d, int vocab) {
        return new int[][] {{tokens, d, 3 * d}, {tokens, d, 4 * d}, {tokens, 4 * d, d}, {tokens, d, vocab}};
    }

    /** GFLOP/s of [m, k]·[k, n]: 2·m·k·n per product, 20 timed products after 3 warm-ups. */
    public static double gflops(NDManager parent, int m, int k, int n) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(m, k)), w = scope.randomNormal(new Shape(k, n));
            for (int r = 0; r < 3; r++) {
                try (NDManager t = scope.newSubManager()) {
                    x.matMul(w).attach(t);
                }
            }
            long start = System.nanoTime();
            for (int r = 0; r < 20; r++) {
                try (NDManager t = scope.newSubManager()) {
                    x.matMul(w).attach(t);
                }
            }
            return 20.0 * 2 * m * k * n / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
    }
}
