package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * One decoder layer of the Llama family, {@code model.layers.{i}}:
 * h = x + o_proj(attn(input_layernorm(x))); out = h + down_proj(silu(gate_proj(n)) · up_proj(n)), n = post_attention_layernorm(h).
 */
final class LlamaDecoderLayer {

    private final LlamaConfig config;
    private final int layer;
    private final RotaryEmbedding rotary;
    private final NDArray inputNorm, postNorm, qW, qB, kW, kB, vW, vB, oW, oB, gateW, gateB, upW, upB, downW, downB;

    LlamaDecoderLayer(LlamaConfig config, int layer, Map<String, NDArray> p, RotaryEmbedding rotary) {
        this.config = config;
        this.layer = layer;
        this.rotary = rotary;
        String l = "model.layers." + layer + ".";
        inputNorm = p.get(l + "input_layernorm.weight");
        postNorm = p.get(l + "post_attention_layernorm.weight");
        qW = p.get(l + "self_attn.q_proj.weight");
        qB = p.get(l + "self_attn.q_proj.bias");
        kW = p.get(l + "self_attn.k_proj.weight");
        kB = p.get(l + "self_attn.k_proj.bias");
        vW = p.get(l + "self_attn.v_proj.weight");
        vB = p.get(l + "self_attn.v_proj.bias");
        oW = p.get(l + "self_attn.o_proj.weight");
        oB = p.get(l + "self_attn.o_proj.bias");
        gateW = p.get(l + "mlp.gate_proj.weight");
        gateB = p.get(l + "mlp.gate_proj.bias");
        upW = p.get(l + "mlp.up_proj.weight");
        upB = p.get(l + "mlp.up_proj.bias");
        downW = p.get(l + "mlp.down_proj.weight");
        downB = p.get(l + "mlp.down_proj.bias");
    }

    /** Positions {@code from} … T − 1 of the layer's output (keys and values still cover all T). */
    NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray maskBias, KvCache cache, int from) {
        double eps = config.rms_norm_eps();
        NDArray h = PassInputs.rows(x, from).add(attention(Ops.rmsNorm(x, inputNorm, eps), cos, sin, maskBias, cache, from)); // x + attn(norm(x))
        return h.add(mlp(Ops.rmsNorm(h, postNorm, eps)));                                         // h + mlp(norm(h))
    }

    /** Rotary grouped-query attention: q, k rotated by position, k/v with num_key_value_heads heads, then o_proj. */
    private NDArray attention(NDArray x, NDArray cos, NDArray sin, NDArray maskBias, KvCache cache, int from) {
        long b = x.getShape().get(0), t = x.getShape().get(1);
        int hd = config.head_dim();
        NDArray q = Ops.linear(x, qW, qB).reshape(b, t, config.num_attention_heads(), hd).transpose(0, 2, 1, 3);
        NDArray k = Ops.linear(x, kW, kB).reshape(b, t, config.num_key_value_heads(), hd).transpose(0, 2, 1, 3);
        NDArray v = Ops.linear(x, vW, vB).reshape(b, t, config.num_key_value_heads(), hd).transpose(0, 2, 1, 3);
        q = rotary.apply(q, cos, sin);
        k = rotary.apply(k, cos, sin);
        return Ops.linear(Attention.attend(q, k, v, maskBias, cache, layer, from), oW, oB);
    }

    /** SwiGLU: down_proj(silu(gate_proj(x)) · up_proj(x)). */
    private NDArray mlp(NDArray x) {
        return Ops.linear(Ops.silu(Ops.linear(x, gateW, gateB)).mul(Ops.linear(x, upW, upB)), downW, downB);
    }
}
