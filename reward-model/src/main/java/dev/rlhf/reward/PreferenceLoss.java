package dev.rlhf.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.rlhf.lm.Constants;

/**
 * The preference loss for one group of examples that all have k candidates:
 * L = −log softmax(r − m·e_chosen)_chosen, which for k = 2 is the pairwise −log σ(r_chosen − r_rejected − m)
 * (Stiennon et al., 2020) and for k = 4 the best-of-4 softmax loss (Ziegler et al., 2019).
 */
public final class PreferenceLoss {

    private PreferenceLoss() {
    }

    /**
     * Per-example loss [n] from rewards [n, k], the chosen indices and the margins, in the manager of {@code rewards}.
     */
    public static NDArray perExample(NDArray rewards, int[] chosen, float[] margin) {
        long n = rewards.getShape().get(0), k = rewards.getShape().get(1);
        float[] onehot = new float[(int) (n * k)];
        for (int i = 0; i < n; i++) onehot[(int) (i * k + chosen[i])] = 1;
        NDArray e = Constants.floats(rewards.getManager(), onehot, rewards.getShape());
        NDArray m = Constants.floats(rewards.getManager(), margin, new Shape(n, 1));
        NDArray logits = rewards.sub(e.mul(m));                            // r − m·e_chosen
        return logits.logSoftmax(1).mul(e).sum(new int[] {1}).neg();      // −log softmax(·)_chosen
    }

    /** Σ w_i·L_i / Σ w over the whole step (so micro-batches add up to the batch's mean). */
    public static NDArray weighted(NDArray perExample, float[] weights, double totalWeight) {
        NDArray w = Constants.floats(perExample.getManager(), weights);
        NDArray sum = perExample.mul(w).sum();
        return sum.div(Constants.scalar(sum, totalWeight));
    }

    /** Whether each row's highest reward is the chosen one (ties count as wrong). */
    public static boolean[] correct(NDArray rewards, int[] chosen) {
        float[] r = rewards.toType(DataType.FLOAT32, false).toFloatArray();
        int k = (int) rewards.getShape().get(1);
        boolean[] ok = new boolean[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            boolean best = true;
            for (int j = 0; j < k; j++) {
                if (j != chosen[i] && r[i * k + j] >= r[i * k + chosen[i]]) best = false;
            }
            ok[i] = best;
        }
        return ok;
    }
}
