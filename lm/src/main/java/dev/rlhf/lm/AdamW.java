package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import dev.rlhf.lm.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter) with the engine's fused update kernel, one call per parameter:
 * m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; w −= lr·(m̂ / (sqrt(v̂) + ε) + λ·w).
 * Weight decay λ applies to matrices (dim ≥ 2: embeddings and Conv1D weights), not to biases or LayerNorm gains,
 * as in nanoGPT. The kernel also zeroes each gradient after its update.
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

    /**
     * The update, unless the gradients' global norm is not finite: then the gradients are zeroed, the weights and
     * moments stay as they were, and {@link #skipped()} counts it. A NaN or infinite gradient never reaches the
     * weights (one would poison every later step). Returns whether the update was applied.
     */
    public boolean stepIfFinite(Iterable<NDArray> params, double gradNorm, double lr, NDManager step) {
        if (!Double.isFinite(gradNorm)) {
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
        double biasCorrectedLr = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)); // lr·sqrt(1−β2ᵗ)/(1−β1ᵗ)
        try (NDManager m = step.newSubManager()) {
            for (NDArray p : params) {
                NDArray g = Gradients.of(p, m);
                if (g == null) continue;
                NDArray[] mv = moments.computeIfAbsent(p, k -> new NDArray[] {
                        manager.zeros(k.getShape(), k.getDataType()), manager.zeros(k.getShape(), k.getDataType())});
                double wd = p.getShape().dimension() >= 2 ? weightDecay : 0;
                p.getNDArrayInternal().adamUpdate(new NDList(p, g, mv[0], mv[1]), new NDList(p),
                        (float) lr, (float) biasCorrectedLr, (float) wd, 1f, -1f,
                        (float) beta1, (float) beta2, (float) eps, false, true);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
