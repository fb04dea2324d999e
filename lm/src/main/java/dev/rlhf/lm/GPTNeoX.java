package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * GPT-NeoX (Pythia) as transformers' {@code GPTNeoXForCausalLM} computes it: {@code embed_in}, layers of
 * LayerNorm + partial-rotary attention with the fused per-head {@code query_key_value}, a GELU MLP, the parallel
 * residual x + attn(ln1(x)) + mlp(ln2(x)) (or the sequential one), {@code final_layer_norm}, and {@code embed_out}.
 */
public final class GPTNeoX extends TensorMapLm<GPTNeoXConfig> {

    private final Layer[] layers;
    private final RotaryEmbedding rotary;
    private final NDArray embed, normW, normB;

    private GPTNeoX(GPTNeoXConfig config, NDManager manager, Map<String, NDArray> params) {
        super(config, manager, params, "gpt_neox.embed_in.weight", "embed_out");
        this.rotary = new RotaryEmbedding(config.rotaryDims(), config.rotary_emb_base(), null);
        this.embed = params.get("gpt_neox.embed_in.weight");
        this.normW = params.get("gpt_neox.final_layer_norm.weight");
        this.normB = params.get("gpt_neox.final_layer_norm.bias");
        this.layers = new Layer[config.num_hidden_layers()];
        for (int i = 0; i < layers.length; i++) layers[i] = new Layer(i, params);
    }

    public static GPTNeoX random(GPTNeoXConfig config, NDManager parent, long seed) {
        return random(config, parent, seed, config.initializer_range(), (m, p) -> new GPTNeoX(config, m, p));
    }

    public static GPTNeoX fromTensors(GPTNeoXConfig config, Map<String, NDArray> tensors, NDManager parent, DataType dtype) {
        return fromTensors(config, tensors, parent, dtype, (m, p) -> new GPTNeoX(config, m, p));
    }

    @Override
    public NDArray hidden(NDArray ids, NDArray attentionMask, NDArray positionIds, KvCache cache, int from) {
        PassInputs in = PassInputs.of(ids, attentionMask, positionIds, cache, from, config.max_position_embeddings(), "max_position_embeddings");
        int t = in.t();
        NDArray x = Ops.embedding(ids, embed);
        NDArray[] cosSin = rotary.cosSin(Ops.longIds(in.positionIds()), x.getDataType());
        NDArray maskBias = AttentionMask.bias(in.attentionMask(), t, in.past(), 0);
        for (int i = 0; i < layers.length; i++) {
            Layer layer = layers[i];
            int queries = in.firstQuery(i, layers.length);
            x = LayerScope.apply(x, h -> layer.forward(h, cosSin[0], cosSin[1], maskBias, cache, queries));
        }
        if (cache != null) cache.advance(t);
        return Ops.layerNorm(x, normW, normB, config.layer_norm_eps());
    }

    /** {@code gpt_neox.layers.{i}}. */
    private final class Layer {
        private final int index;
        private final NDArray ln1W, ln1B, ln2W, ln2B, qkvW, qkvB, denseW, denseB, upW, upB, downW, downB;

        Layer(int index, Map<String, NDArray> p) {
            this.index = index;
            String l = "gpt_neox.layers." + index + ".";
            ln1W = p.get(l + "input_layernorm.weight");
            ln1B = p.get(l + "input_layernorm.bias");
            ln2W = p.get(l + "post_attention_layernorm.weight");
            ln2B = p.get(l + "post_attention_layernorm.bias");
            qkvW = p.get(l + "attention.query_key_value.weight");
            qkvB = p.get(l + "attention.query_key_value.bias");
            denseW = p.get(l + "attention.dense.weight");
            denseB = p.get(l + "attention.dense.bias");
            upW = p.get(l + "mlp.dense_h_to_4h.weight");
            upB = p.get(l + "mlp.dense_h_to_4h.bias");
            downW = p.get(l + "mlp.dense_4h_to_h.weight");
            downB = p.get(l + "mlp.dense_4h_to_h.bias");
        }

        /** Positions {@code from} … T − 1 of the layer's output (keys and values still cover all T). */
        NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray maskBias, KvCache cache, int from) {
            double eps = config.layer_norm_eps();
            NDArray attn = attention(Ops.layerNorm(x, ln1W, ln1B, eps), cos, sin, maskBias, cache, from);
            x = PassInputs.rows(x, from);
            if (config.use_parallel_residual()) {
                return x.add(attn).add(mlp(Ops.layerNorm(x, ln2W, ln2B, eps)));      // x + attn(ln1(x)) + mlp(ln2(x))
            }
            NDArray h = x.add(attn);                                                 // h = x + attn(ln1(x))
            return h.add(mlp(Ops.layerNorm(h, ln2W, ln2B, eps)));                    // h + mlp(ln2(h))
        }

        /** query_key_value holds, per head, q, k and v side by side: [B, T, H, 3·hd] split on the last axis. */
        private NDArray attention(NDArray x, NDArray cos, NDArray sin, NDArray maskBias, KvCache cache, int from) {
            long b = x.getShape().get(0), t = x.getShape().get(1);
            int hd = config.head_dim();
            NDArray qkv = Ops.linear(x, qkvW, qkvB).reshape(b, t, config.num_attention_heads(), 3L * hd)
                    .transpose(0, 2, 1, 3);                                          // [B, H, T, 3·hd]
            NDArray q = rotary.apply(qkv.get(":, :, :, :{}", hd), cos, sin);
            NDArray k = rotary.apply(qkv.get(":, :, :, {}:{}", hd, 2 * hd), cos, sin);
            NDArray v = qkv.get(":, :, :, {}:", 2 * hd);
            return Ops.linear(Attention.attend(q, k, v, maskBias, cache, index, from), denseW, denseB);
        }

        /** dense_4h_to_h(act(dense_h_to_4h(x))). */
        private NDArray mlp(NDArray x) {
            return Ops.linear(Ops.gelu(Ops.linear(x, upW, upB), config.hidden_act()), downW, downB);
        }
    }
}
