package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArrays;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Collection;

/**
 * Gradient bookkeeping the DJL API leaves to us: reading a parameter's gradient without leaking a handle into the
 * parameter's long-lived manager, the global-norm clip, and zeroing (gradients accumulate until zeroed).
 */
public final class Gradients {

    private Gradients() {}

    /** The gradient of {@code param} (sharing its storage), owned by {@code owner}; null before any backward. */
    public static NDArray of(NDArray param, NDManager owner) {
        NDArray g = param.getGradient();
        if (g != null) g.attach(owner);
        return g;
    }

    /**
     * ‖g‖ = sqrt(Σ_p ‖g_p‖²) over all parameters: the 2-norm of each gradient (one pass over it, as
     * torch.nn.utils.clip_grad_norm_ takes them), then the 2-norm of those norms.
     */
    public static double globalNorm(Collection<NDArray> params, NDManager step) {
        try (NDManager m = step.newSubManager()) {
            NDList norms = new NDList();
            for (NDArray p : params) {
                NDArray g = of(p, m);
                if (g != null) norms.add(g.norm(2, allAxes(g), false));
            }
            if (norms.isEmpty()) return 0;
            NDArray all = NDArrays.stack(norms);
            return all.norm(2, allAxes(all), false).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        }
    }

    private static int[] allAxes(NDArray a) {
        return java.util.stream.IntStream.range(0, a.getShape().dimension()).toArray();
    }

    /**
     * Scales every gradient in place by min(1, maxNorm / (‖g‖ + 1e-6)) (as torch.nn.utils.clip_grad_norm_) and
     * returns the norm before clipping.
     */
    public static double clipGlobalNorm(Collection<NDArray> params, double maxNorm, NDManager step) {
        double norm = globalNorm(params, step);
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1) {
            try (NDManager m = step.newSubManager()) {
                for (NDArray p : params) {
                    NDArray g = of(p, m);
                    if (g != null) g.muli(Constants.scalar(g, scale));
                }
            }
        }
        return norm;
    }

    /**
     * {@link #clipGlobalNorm} when {@code maxNorm > 0}; otherwise the clip is off and the gradients stay as they are.
     * Returns the norm before clipping either way.
     */
    public static double clipGlobalNormIfPositive(Collection<NDArray> params, double maxNorm, NDManager step) {
        return maxNorm > 0 ? clipGlobalNorm(params, maxNorm, step) : globalNorm(params, step);
    }

    /** Sets every gradient to zero. */
    public static void zero(Collection<NDArray> params) {
        for (NDArray p : params) {
            if (p.hasGradient()) JniUtils.zeroGrad((PtNDArray) p);
        }
    }
}
