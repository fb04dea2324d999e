package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Map;

/**
 * What the Llama and GPT-NeoX models share: the config, the manager that owns the parameters, the parameters as one
 * map under their Hugging Face names, and the output projection (the untied head, else the token embedding). A model
 * loaded without its untied head (from a {@code …ForSequenceClassification} checkpoint) is a trunk only:
 * {@link #outputEmbedding()} refuses.
 */
abstract class TensorMapLm<C extends LmConfig> implements CausalLm {

    /** Builds a model around parameters already in their own manager. */
    interface Builder<M> {
        M build(NDManager manager, Map<String, NDArray> params);
    }

    protected final C config;
    protected final NDManager manager;
    protected final Map<String, NDArray> params;
    private final NDArray head;
    private final String headName;

    /**
     * @param embedTensor the token embedding, the output projection when the head is tied
     * @param headName    the head as the refusal names it ({@code lm_head}, {@code embed_out})
     */
    protected TensorMapLm(C config, NDManager manager, Map<String, NDArray> params, String embedTensor, String headName) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        this.head = config.lmHeadTensor() == null ? params.get(embedTensor) : params.get(config.lmHeadTensor());
        this.headName = headName;
    }

    /** A randomly initialised model in a sub-manager of {@code parent}: weights N(0, std), norms 1, biases 0, seeded. */
    static <M> M random(LmConfig config, NDManager parent, long seed, double std, Builder<M> builder) {
        NDManager m = parent.newSubManager();
        return builder.build(m, ModelTensors.random(config, m, seed, std));
    }

    /** A model holding copies of {@code tensors} in {@code dtype}, in a sub-manager of {@code parent} (closed on failure). */
    static <M> M fromTensors(LmConfig config, Map<String, NDArray> tensors, NDManager parent, DataType dtype, Builder<M> builder) {
        NDManager m = parent.newSubManager();
        try {
            return builder.build(m, ModelTensors.copies(config, tensors, m, dtype));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public C config() {
        return config;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Map<String, NDArray> namedTensors() {
        return params;
    }

    @Override
    public NDArray outputEmbedding() {
        if (head == null) throw new IllegalStateException("this model has no " + headName + " (loaded as a sequence classifier)");
        return head;
    }

    @Override
    public void close() {
        manager.close();
    }
}
