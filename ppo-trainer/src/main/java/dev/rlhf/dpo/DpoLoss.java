package dev.rlhf.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.rlhf.lm.Constants;

/**
 * The DPO losses per pair, from h = (log π(y_w|x) − log π(y_l|x)) − (log π_ref(y_w|x) − log π_ref(y_l|x)), the
 * policy's log-ratio of chosen over rejected against the reference's:
 * <ul>
 *   <li>sigmoid (Rafailov et al., 2023), with label smoothing ε (conservative DPO):
 *       L = −(1 − ε)·log σ(β·h) − ε·log σ(−β·h);</li>
 *   <li>ipo (Azar et al., 2023), on per-token mean log-probs: L = (h − 1/(2β))².</li>
 * </ul>
 */
public final class DpoLoss {

    private DpoLoss() {}

    public static NDArray sigmoid(NDArray h, double beta, double labelSmoothing) {
        NDArray bh = h.mul(Constants.scalar(h, beta));                                    // β·h
        NDArray agree = logSigmoid(bh).mul(Constants.scalar(h, -(1 - labelSmoothing)));    // −(1 − ε)·log σ(β·h)
        if (labelSmoothing == 0) return agree;
        return agree.sub(logSigmoid(bh.neg()).mul(Constants.scalar(h, labelSmoothing)));  // − ε·log σ(−β·h)
    }

    public static NDArray ipo(NDArray h, double beta) {
        return h.sub(Constants.scalar(h, 1 / (2 * beta))).square();                     // (h − 1/(2β))²
    }

    /** log σ(x) = log softmax([x, 0])₀, stable for large |x|. */
    static NDArray logSigmoid(NDArray x) {
        NDArray both = NDArrays.stack(new ai.djl.ndarray.NDList(x, x.zerosLike()), -1);  // [..., 2]
        return both.logSoftmax(-1).get("..., 0");
    }
}
