package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.rlhf.lm.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter) exactly as {@code torch.optim.AdamW} computes it, in the operation order of torch's
 * single-tensor CPU path, so float32 results match torch's (OptimizerTest, against a fixture made with torch):
 * w ← w·(1 − lr·λ); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − lr/(1−β1ᵗ) · m / (sqrt(v)/sqrt(1−β2ᵗ) + ε).
 * ε is added to sqrt(v̂), not to sqrt(v) as TensorFlow's form (and the engine's fused Adam kernel) does; with a small
 * ε and tiny gradients the two differ several-fold in the first steps. Weight decay λ applies to matrices (dim ≥ 2:
 * embeddings and Conv1D weights), not to biases or LayerNorm gains, as in nanoGPT. Each gradient is zeroed after
 * its update.
 */
public final class AdamW implements AutoCloseable {

    private final double beta1, beta2, eps, weightDecay;
    private final NDManager manager;
    private int skipped;
    private final Map<NDArray, NDArray[]> moments = new IdentityHashMap<>();
    private int t;

    public AdamW(NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** Steps taken so far. */
    public int steps() {
        return t;
    }

    /**
     * The first and second moments {m, v} of {@code param} (live arrays owned by the optimizer), or null before the
     * parameter's first update; for checkpoints.
     */
    public NDArray[] moments(NDArray param) {
        NDArray[] mv = moments.get(param);
        return mv == null ? null : mv.clone();
    }

    /**
     * Restores a checkpoint: the step count (which sets the bias correction) and copies of {m, v} per parameter.
     * Parameters not in {@code state} keep no moments, as before their first update.
     */
    public void restore(int steps, Map<NDArray, NDArray[]> state) {
        if (steps < 0) throw new IllegalArgumentException("steps must be ≥ 0, was " + steps);
        for (NDArray[] mv : moments.values()) {
            mv[0].close();
            mv[1].close();
        }
        moments.clear();
        for (Map.Entry<NDArray, NDArray[]> e : state.entrySet()) {
            NDArray p = e.getKey();
            NDArray[] mv = e.getValue();
            if (mv.length != 2 || !mv[0].getShape().equals(p.getShape()) || !mv[1].getShape().equals(p.getShape())) {
                throw new IllegalArgumentException("moments of shape " + mv[0].getShape() + " do not match parameter "
                        + p.getShape());
            }
            moments.put(p, new NDArray[] {Ops.copyOf(mv[0], manager, p.getDataType()), Ops.copyOf(mv[1], manager, p.getDataType())});
        }
        t = steps;
    }

    /**
     * Writes the state to a safetensors file: {@code NAME.exp_avg} and {@code NAME.exp_avg_sq} (float32) for every
     * named parameter that has moments, and the step counts as metadata {@code "steps"} and {@code "skipped"}.
     */
    public void save(Path file, Map<String, NDArray> params) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray[] mv = moments.get(e.getValue());
            if (mv == null) continue;
            tensors.put(e.getKey() + ".exp_avg", mv[0]);
            tensors.put(e.getKey() + ".exp_avg_sq", mv[1]);
        }
        SafeTensors.write(file, tensors, Map.of("optimizer", "adamw", "steps", Integer.toString(t),
                "skipped", Integer.toString(skipped)));
    }

    /**
     * Restores what {@link #save} wrote, keyed by the same names: the step count and the moments of each parameter
     * that has them. A file without the step count, a parameter with one moment only, or a moment whose shape
     * differs from its parameter is refused, naming it.
     */
    public void load(Path file, Map<String, NDArray> params) throws IOException {
        int skippedSteps;
        try (SafeTensors st = SafeTensors.open(file); NDManager io = manager.newSubManager()) {
            String s = st.metadata().get("steps");
            if (s == null) throw new IOException(file + ": no \"steps\" in the metadata (not an optimizer state)");
            int steps = Integer.parseInt(s);
            skippedSteps = Integer.parseInt(st.metadata().getOrDefault("skipped", "0"));
            Map<NDArray, NDArray[]> state = new IdentityHashMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                String m1 = e.getKey() + ".exp_avg", m2 = e.getKey() + ".exp_avg_sq";
                if (st.contains(m1) != st.contains(m2)) throw new IOException(file + ": only one moment of " + e.getKey());
                if (!st.contains(m1)) continue;
                NDArray m = st.load(m1, io), v = st.load(m2, io);
                if (!m.getShape().equals(e.getValue().getShape()) || !v.getShape().equals(e.getValue().getShape())) {
                    throw new IOException(file + ": moments of " + e.getKey() + " have shape " + m.getShape()
                            + ", the parameter has " + e.getValue().getShape());
                }
                state.put(e.getValue(), new NDArray[] {m, v});
            }
            restore(steps, state);
        }
        skipped = skippedSteps;
    }

    /** The system property that makes a non-finite gradient norm an error ({@code fail}); the build sets it for every test. */
    public static final String NON_FINITE_PROPERTY = "rlhf.nonFiniteGradient";

    /**
     * The update, unless the gradients' global norm is not finite: then the gradients are zeroed, the weights and
     * moments stay as they were, and {@link #skipped()} counts it. A NaN or infinite gradient never reaches the
     * weights (one would poison every later step). Returns whether the update was applied. With the system property
     * {@value #NON_FINITE_PROPERTY}{@code =fail} (every test runs so) such a step throws instead: in a test it is a
     * failure, never a skipped step.
     */
    public boolean stepIfFinite(Iterable<NDArray> params, double gradNorm, double lr, NDManager step) {
        if (!Double.isFinite(gradNorm)) {
            if ("fail".equals(System.getProperty(NON_FINITE_PROPERTY))) {
                throw new IllegalStateException("gradient norm " + gradNorm + " at optimizer step " + (t + 1)
                        + " (" + NON_FINITE_PROPERTY + "=fail)");
            }
            java.util.List<NDArray> all = new java.util.ArrayList<>();
            params.forEach(all::add);
            Gradients.zero(all);
            skipped++;
            return false;
        }
        step(params, lr, step);
        return true;
    }

    /** Updates refused by {@link #stepIfFinite} because the gradient norm was not finite. */
    public int skipped() {
        return skipped;
    }

    /** One update of every parameter that has a gradient, at learning rate {@code lr}. */
    public void step(Iterable<NDArray> params, double lr, NDManager step) {
        t++;
        double stepSize = lr / (1 - Math.pow(beta1, t));                              // lr/(1−β1ᵗ)
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));                           // sqrt(1−β2ᵗ)
        try (NDManager shared = step.newSubManager()) {                               // this step's scalars
            Map<DataType, Scalars> scalars = new EnumMap<>(DataType.class);
            for (NDArray p : params) {
                try (NDManager s = step.newSubManager()) {                            // this parameter's temporaries
                    NDArray g = Gradients.of(p, s);
                    if (g == null) continue;
                    Scalars c = scalars.computeIfAbsent(g.getDataType(),
                            type -> new Scalars(shared.zeros(new Shape(), type), lr, stepSize, bc2Sqrt));
                    NDArray[] mv = moments.computeIfAbsent(p, k -> new NDArray[] {
                            manager.zeros(k.getShape(), k.getDataType()), manager.zeros(k.getShape(), k.getDataType())});
                    NDArray m = mv[0], v = mv[1];
                    if (p.getShape().dimension() >= 2 && weightDecay != 0) p.muli(c.decay);   // w ← w·(1 − lr·λ)
                    m.muli(c.beta1).addi(g.mul(c.oneMinusBeta1));                     // m ← β1·m + (1−β1)·g
                    v.muli(c.beta2).addi(g.mul(c.oneMinusBeta2).mul(g));              // v ← β2·v + (1−β2)·g·g
                    NDArray denom = in(s, v.sqrt()).divi(c.bc2Sqrt).addi(c.eps);       // sqrt(v)/sqrt(1−β2ᵗ) + ε
                    p.addi(in(s, m.mul(c.minusStepSize)).divi(denom));                // w ← w + (−lr/(1−β1ᵗ))·m / denom
                }
                Gradients.zero(List.of(p));                                           // g ← 0
            }
        }
    }

    /** {@code a}, moved to {@code owner}: a result belongs to its first input's manager, here the moments'. */
    private static NDArray in(NDManager owner, NDArray a) {
        a.attach(owner);
        return a;
    }

    /**
     * The update's scalars as 0-d arrays of one type (made once per step, not per parameter: each is a Java buffer
     * and a few native calls).
     */
    private final class Scalars {
        final NDArray decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bc2Sqrt, eps, minusStepSize;

        Scalars(NDArray like, double lr, double stepSize, double bc2Sqrt) {
            decay = Constants.scalar(like, 1 - lr * weightDecay);
            beta1 = Constants.scalar(like, AdamW.this.beta1);
            oneMinusBeta1 = Constants.scalar(like, 1 - AdamW.this.beta1);
            beta2 = Constants.scalar(like, AdamW.this.beta2);
            oneMinusBeta2 = Constants.scalar(like, 1 - AdamW.this.beta2);
            this.bc2Sqrt = Constants.scalar(like, bc2Sqrt);
            eps = Constants.scalar(like, AdamW.this.eps);
            minusStepSize = Constants.scalar(like, -stepSize);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
