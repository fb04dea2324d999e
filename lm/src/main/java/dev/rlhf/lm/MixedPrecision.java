package dev.rlhf.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Half-precision compute with float32 master weights, as in mixed-precision training: the forward and backward
 * passes run on a working copy of the parameters in {@link Precision#computeType()}; after the backward pass
 * {@link #gradientsToMaster} hands the gradients, as float32, to the master parameters, on which the trainer clips
 * and AdamW steps as usual (its moments float32); {@link #weightsToCompute} then rounds the updated masters into
 * the working copy. DJL's type cast records no gradient, so the two sets are separate leaves rather than one graph.
 *
 * <p>The trainer makes its working copy in {@link #manager()} and hands both parameter sets to {@link #pair};
 * closing this frees the copy. With {@link Precision#FLOAT32} there is no copy: the working parameters are the masters
 * and every call does nothing, so a float32 run is the same, to the bit, as one without this class.
 */
public final class MixedPrecision implements AutoCloseable {

    private final List<NDArray> master = new ArrayList<>();
    private final List<NDArray> compute = new ArrayList<>();
    private final Precision precision;
    private final NDManager manager;

    /**
     * Refuses, by name, a precision the loaded JNI cannot run ({@link Precision#requireSupported()}); under mixed
     * precision opens the manager of the working copy under {@code parent} (the masters' manager).
     */
    public MixedPrecision(Precision precision, NDManager parent) {
        precision.requireSupported();
        this.precision = precision;
        this.manager = precision.mixed() ? parent.newSubManager() : null;
    }

    public boolean mixed() {
        return precision.mixed();
    }

    /** The type the working copy is made in. */
    public DataType computeType() {
        return precision.computeType();
    }

    /** Where the working copy is made; only under mixed precision. */
    public NDManager manager() {
        if (manager == null) throw new IllegalStateException("float32 training makes no working copy");
        return manager;
    }

    /**
     * @param master  name → float32 master parameter (gradients recorded)
     * @param compute the same names → working parameter in the compute type (ignored for float32)
     */
    public void pair(Map<String, NDArray> master, Map<String, NDArray> compute) {
        if (!precision.mixed()) return;
        for (Map.Entry<String, NDArray> e : master.entrySet()) {
            NDArray c = compute.get(e.getKey());
            if (c == null) throw new IllegalArgumentException("no working copy of " + e.getKey());
            if (c.getDataType() != precision.computeType()) {
                throw new IllegalArgumentException(e.getKey() + " is " + c.getDataType() + ", not " + precision.computeType());
            }
            c.setRequiresGradient(true);
            this.master.add(e.getValue());
            this.compute.add(c);
        }
        giveMastersGradients();
    }

    /**
     * The master parameters get a gradient array once (zeros, from one backward pass of Σ 0·p), so that
     * {@link #gradientsToMaster} can write into it as a backward pass would.
     */
    private void giveMastersGradients() {
        try (NDManager m = master.get(0).getManager().newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray none = m.zeros(new Shape(), DataType.FLOAT32);
            NDArray zero = none;
            for (NDArray p : master) {
                NDArray sum = p.sum();
                sum.attach(m);
                zero = zero.add(sum.mul(none));
            }
            gc.backward(zero);
        }
    }

    /** master.grad ← float32(working.grad); the working gradients are zeroed. */
    public void gradientsToMaster(NDManager step) {
        if (!precision.mixed()) return;
        try (NDManager s = step.newSubManager()) {
            for (int i = 0; i < master.size(); i++) {
                NDArray to = Gradients.of(master.get(i), s);
                NDArray from = Gradients.of(compute.get(i), s);
                JniUtils.zeroGrad((PtNDArray) master.get(i));
                if (from != null) to.addi(from.toType(DataType.FLOAT32, false));
            }
            Gradients.zero(compute);
        }
    }

    /** working ← the masters rounded to the compute type (after the optimizer step). */
    public void weightsToCompute(NDManager step) {
        if (!precision.mixed()) return;
        try (NDManager s = step.newSubManager()) {
            for (int i = 0; i < master.size(); i++) {
                NDArray c = compute.get(i);
                NDArray rounded = master.get(i).toType(precision.computeType(), false);
                rounded.attach(s);
                c.muli(Constants.scalar(rounded, 0)).addi(rounded);
            }
        }
    }

    /**
     * {@code x} as float32, differentiably: DJL's {@code toType} records no gradient, so the cast is torch's type
     * promotion of x + 0 with a one-element float32 zero (its backward hands x the gradient in x's own type).
     * A float32 {@code x} is returned as it is.
     */
    public static NDArray toFloat32(NDArray x) {
        if (x.getDataType() == DataType.FLOAT32) return x;
        NDArray zero = x.getManager().zeros(new Shape(1), DataType.FLOAT32);
        return x.add(zero);
    }

    /** Frees the working copy. */
    @Override
    public void close() {
        if (manager != null) manager.close();
    }
}
