package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scaled dot-product attention with grouped key/value heads, as transformers' eager attention computes it for
 * Llama, Qwen2, Mistral and GPT-NeoX: softmax(q·kᵀ·head_dim^−½ + mask)·v, each of the {@code num_key_value_heads}
 * K/V heads serving {@code num_attention_heads / num_key_value_heads} consecutive query heads ({@code repeat_kv}).
 */
final class Attention {

    private Attention() {}

    /**
     * q [B, H, T, hd]; k, v [B, Hkv, T, hd] (rotary already applied); maskBias [B, 1, T, past + T]. The cache holds
     * the Hkv heads before repetition. Only the queries of positions {@code from} … T − 1 attend: returns their heads
     * side by side, [B, T − from, H·hd].
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray maskBias, KvCache cache, int layer, int from) {
        q = queriesFrom(q, from);                                                  // the queries that are read
        maskBias = queriesFrom(maskBias, from);
        Shape s = q.getShape();
        long b = s.get(0), heads = s.get(1), t = s.get(2), hd = s.get(3);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);                              // [B, Hkv, past + T, hd]
            k = kv[0];
            v = kv[1];
        }
        long groups = heads / k.getShape().get(1);
        if (groups > 1) {                                                          // repeat_kv: head j → j·g … j·g + g − 1
            k = k.repeat(1, groups);
            v = v.repeat(1, groups);
        }
        NDArray scale = Constants.scalar(q, 1.0 / Math.sqrt(hd));
        NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).addi(maskBias).softmax(-1); // [B, H, T, past + T]
        return att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, heads * hd);
    }

    /** The query rows {@code from} … of [B, H, T, …] queries or of a [B, 1, T, past + T] mask bias (itself for 0). */
    static NDArray queriesFrom(NDArray a, int from) {
        return from == 0 ? a : a.get(":, :, {}:", from);
    }
}
