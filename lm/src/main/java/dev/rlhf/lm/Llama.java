package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * The Llama architecture as transformers' {@code LlamaForCausalLM}, {@code Qwen2ForCausalLM} and
 * {@code MistralForCausalLM} compute it: token embedding, {@code num_hidden_layers} pre-RMSNorm decoder layers with
 * rotary grouped-query attention and a SwiGLU MLP, a final RMSNorm, and the output through {@code lm_head} or the
 * tied embedding.
 *
 * <p>Parameters are the checkpoint's tensors under their Hugging Face names ({@code model.layers.{i}.self_attn.q_proj.weight},
 * nn.Linear layout [out, in]). A model built without {@code lm_head.weight} while untied (from a
 * {@code …ForSequenceClassification} checkpoint) is a trunk only: {@link #outputEmbedding()} refuses.
 */
public final class Llama extends TensorMapLm<LlamaConfig> {

    private final LlamaDecoderLayer[] layers;
    private final RotaryEmbedding rotary;
    private final NDArray embed, norm;

    private Llama(LlamaConfig config, NDManager manager, Map<String, NDArray> params) {
        super(config, manager, params, "model.embed_tokens.weight", "lm_head");
        this.rotary = new RotaryEmbedding(config.head_dim(), config.rope_theta(), config.rope_scaling());
        this.embed = params.get("model.embed_tokens.weight");
        this.norm = params.get("model.norm.weight");
        this.layers = new LlamaDecoderLayer[config.num_hidden_layers()];
        for (int i = 0; i < layers.length; i++) layers[i] = new LlamaDecoderLayer(config, i, params, rotary);
    }

    /** A randomly initialised model: weights N(0, initializer_range), norms 1, biases 0, seeded. */
    public static Llama random(LlamaConfig config, NDManager parent, long seed) {
        return random(config, parent, seed, config.initializer_range(), (m, p) -> new Llama(config, m, p));
    }

    /** A model holding copies of {@code tensors} (Hugging Face names as {@link LlamaConfig#tensorShapes()}) in {@code dtype}. */
    public static Llama fromTensors(LlamaConfig config, Map<String, NDArray> tensors, NDManager parent, DataType dtype) {
        return fromTensors(config, tensors, parent, dtype, (m, p) -> new Llama(config, m, p));
    }

    @Override
    public NDArray hidden(NDArray ids, NDArray attentionMask, NDArray positionIds, KvCache cache, int from) {
        PassInputs in = PassInputs.of(ids, attentionMask, positionIds, cache, from, config.max_position_embeddings(), "max_position_embeddings");
        int t = in.t();
        NDArray x = Ops.embedding(ids, embed);                                         // embed_tokens[ids]
        NDArray[] cosSin = rotary.cosSin(Ops.longIds(in.positionIds()), x.getDataType());   // rotary uses the position ids
        NDArray maskBias = AttentionMask.bias(in.attentionMask(), t, in.past(), config.window());
        for (int i = 0; i < layers.length; i++) {
            LlamaDecoderLayer layer = layers[i];
            int queries = in.firstQuery(i, layers.length);
            x = LayerScope.apply(x, h -> layer.forward(h, cosSin[0], cosSin[1], maskBias, cache, queries));
        }
        if (cache != null) cache.advance(t);
        return Ops.rmsNorm(x, norm, config.rms_norm_eps());
    }
}
