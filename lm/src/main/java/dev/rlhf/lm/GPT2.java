package dev.rlhf.lm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * GPT-2 (Radford et al., 2019) on DJL: token + learned position embeddings, {@code n_layer} pre-LayerNorm blocks,
 * a final {@code ln_f}, and the output projection tied to {@code wte}.
 *
 * <p>The parameters are plain {@link NDArray}s named and shaped exactly as in a Hugging Face checkpoint (Conv1D
 * weights [in, out], so y = x·W + b), held in one map in {@link GPT2Config#tensorShapes()} order. We use plain
 * arrays rather than DJL's {@code AbstractBlock}/{@code Parameter} machinery because checkpoint IO, the optimizer
 * and the gradient clip all want "name → live array", the forward pass reads like nanoGPT, and there is no
 * block-initialisation or input-shape inference step to get wrong for models loaded from a checkpoint.
 *
 * <p>Every forward result belongs to the manager of the token ids passed in: callers open a sub-manager per step.
 * Gradients are recorded only inside a DJL {@code GradientCollector}.
 */
public final class GPT2 implements CausalLm {

    /** Added to attention scores a query may not see; finite so a fully masked (padding) row stays NaN-free. */
    static final double MASKED = AttentionMask.MASKED;

    private final GPT2Config config;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final GPT2Block[] blocks;
    private final NDArray wte, wpe, lnFW, lnFB;

    /** A randomly initialised model, as GPT-2: N(0, 0.02), residual projections N(0, 0.02/sqrt(2·n_layer)). */
    public GPT2(GPT2Config config, NDManager manager, long seed) {
        this(config, manager, initialTensors(config, seed), null);
    }

    /**
     * A model holding copies of {@code tensors} (keys as in {@link GPT2Config#tensorShapes()}, Hugging Face layout;
     * a {@code transformer.} prefix is accepted and buffers such as {@code attn.bias} are ignored).
     */
    public static GPT2 fromTensors(GPT2Config config, Map<String, NDArray> tensors, NDManager manager) {
        return fromTensors(config, tensors, manager, DataType.FLOAT32);
    }

    /** As {@link #fromTensors(GPT2Config, Map, NDManager)} in another precision (float64 for gradient checks). */
    public static GPT2 fromTensors(GPT2Config config, Map<String, NDArray> tensors, NDManager manager, DataType dtype) {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = e.getKey().startsWith("transformer.") ? e.getKey().substring(12) : e.getKey();
            byName.put(name, e.getValue());
        }
        return new GPT2(config, manager, byName, dtype);
    }

    /** From Java float arrays (random init) when {@code dtype} is null, else copies of NDArrays in that type. */
    private GPT2(GPT2Config config, NDManager parent, Map<String, Object> source, DataType dtype) {
        this.config = config;
        this.manager = parent.newSubManager();
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : config.tensorShapes().entrySet()) {
            String name = e.getKey();
            Shape shape = new Shape(e.getValue());
            Object src = source.get(name);
            if (src == null) {
                manager.close();
                throw new IllegalArgumentException("tensor " + name + " " + shape + " is missing");
            }
            NDArray a;
            if (dtype == null) {
                a = Constants.floats(manager, (float[]) src, shape);
            } else {
                NDArray t = (NDArray) src;
                if (!t.getShape().equals(shape)) {
                    manager.close();
                    throw new IllegalArgumentException("tensor " + name + " has shape " + t.getShape()
                            + ", expected " + shape);
                }
                a = Ops.copyOf(t, manager, dtype);
            }
            a.setRequiresGradient(true);
            p.put(name, a);
        }
        this.params = Collections.unmodifiableMap(p);
        this.wte = p.get("wte.weight");
        this.wpe = p.get("wpe.weight");
        this.lnFW = p.get("ln_f.weight");
        this.lnFB = p.get("ln_f.bias");
        this.blocks = new GPT2Block[config.n_layer()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = new GPT2Block(config, i, p);
    }

    private static Map<String, Object> initialTensors(GPT2Config config, long seed) {
        Map<String, Object> t = new LinkedHashMap<>();
        double std = config.initializer_range();
        double residualStd = std / Math.sqrt(2.0 * config.n_layer());
        int index = 0;
        for (Map.Entry<String, long[]> e : config.tensorShapes().entrySet()) {
            String name = e.getKey();
            long n = 1;
            for (long x : e.getValue()) n *= x;
            float[] values = new float[Math.toIntExact(n)];
            Random rng = new Random(seed * 1_000_003L + index++);
            if (name.contains("ln_") && name.endsWith(".weight")) {
                Arrays.fill(values, 1f);                                    // LayerNorm γ = 1
            } else if (name.endsWith(".weight")) {
                double s = name.endsWith("c_proj.weight") ? residualStd : std; // residual projections scaled down
                for (int i = 0; i < values.length; i++) values[i] = (float) (rng.nextGaussian() * s);
            }                                                                // biases and LayerNorm β = 0
            t.put(name, values);
        }
        return t;
    }

    @Override
    public GPT2Config config() {
        return config;
    }

    /** The manager that owns the parameters (a sub-manager of the one given at construction). */
    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Hugging Face name → live parameter array ([in, out] Conv1D layout), in {@code tensorShapes()} order. */
    public Map<String, NDArray> namedTensors() {
        return params;
    }

    /** The token embedding, also the output projection (tied). */
    public NDArray wte() {
        return wte;
    }

    /** {@code wte}: GPT-2's output projection is tied to the token embedding. */
    @Override
    public NDArray outputEmbedding() {
        return wte;
    }

    /**
     * Final hidden states ln_f(h) [B, T, d].
     *
     * @param ids           token ids [B, T] (any integer type)
     * @param attentionMask [B, past + T], 1 for a real token and 0 for (left) padding, covering the cached prefix
     *                      too; null means all real
     * @param positionIds   [B, T]; null means cumsum(mask) − 1 (positions that skip left padding)
     * @param cache         keys/values of the prefix, extended by this call; null for a full pass
     */
    @Override
    public NDArray hidden(NDArray ids, NDArray attentionMask, NDArray positionIds, KvCache cache, int from) {
        PassInputs in = PassInputs.of(ids, attentionMask, positionIds, cache, from, config.n_positions(), "n_positions");
        int t = in.t();
        NDArray x = Ops.embedding(ids, wte).add(Ops.embedding(Ops.longIds(in.positionIds()), wpe)); // wte[ids] + wpe[pos]
        NDArray maskBias = maskBias(in.attentionMask(), t, in.past());
        for (int i = 0; i < blocks.length; i++) {
            GPT2Block block = blocks[i];
            int queries = in.firstQuery(i, blocks.length);
            x = LayerScope.apply(x, h -> block.forward(h, maskBias, cache, queries));
        }
        if (cache != null) cache.advance(t);
        return Ops.layerNorm(x, lnFW, lnFB, config.layer_norm_epsilon());
    }

    /** pos = max(cumsum(mask) − 1, 0): each real token's index among the real tokens of its row. */
    public static NDArray positionIds(NDArray attentionMask) {
        return CausalLm.positionIds(attentionMask);
    }

    /**
     * 0 where query i (absolute index past + i) may attend to key j and -1e9 elsewhere, shape [B, 1, T, past + T],
     * broadcast over heads. A query sees the keys j ≤ past + i that are real tokens; a padding query sees only
     * itself, so its (ignored) output never depends on later tokens and no row of the softmax is empty.
     */
    static NDArray maskBias(NDArray attentionMask, int t, int past) {
        return AttentionMask.bias(attentionMask, t, past, 0);
    }

    @Override
    public void close() {
        manager.close();
    }
}
