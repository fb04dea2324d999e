package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * One pre-LayerNorm transformer block of GPT-2, {@code h.{i}} in the checkpoint:
 * x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)).
 */
final class GPT2Block {

    private final GPT2Config config;
    private final int layer;
    final NDArray ln1W, ln1B, attnW, attnB, attnProjW, attnProjB, ln2W, ln2B, fcW, fcB, mlpProjW, mlpProjB;

    GPT2Block(GPT2Config config, int layer, Map<String, NDArray> params) {
        this.config = config;
        this.layer = layer;
        String h = "h." + layer + ".";
        ln1W = params.get(h + "ln_1.weight");
        ln1B = params.get(h + "ln_1.bias");
        attnW = params.get(h + "attn.c_attn.weight");
        attnB = params.get(h + "attn.c_attn.bias");
        attnProjW = params.get(h + "attn.c_proj.weight");
        attnProjB = params.get(h + "attn.c_proj.bias");
        ln2W = params.get(h + "ln_2.weight");
        ln2B = params.get(h + "ln_2.bias");
        fcW = params.get(h + "mlp.c_fc.weight");
        fcB = params.get(h + "mlp.c_fc.bias");
        mlpProjW = params.get(h + "mlp.c_proj.weight");
        mlpProjB = params.get(h + "mlp.c_proj.bias");
    }

    /**
     * x [B, T, d]; maskBias [B, 1, T, past + T] holds 0 where a query may look and -1e9 where it may not. Returns
     * positions {@code from} … T − 1, [B, T − from, d] (keys and values still cover all T).
     */
    NDArray forward(NDArray x, NDArray maskBias, KvCache cache, int from) {
        double eps = config.layer_norm_epsilon();
        x = PassInputs.rows(x, from).add(attn(Ops.layerNorm(x, ln1W, ln1B, eps), maskBias, cache, from)); // x + attn(ln_1(x))
        return x.add(mlp(Ops.layerNorm(x, ln2W, ln2B, eps)));                                            // x + mlp(ln_2(x))
    }

    /**
     * Causal self-attention: softmax(q·kᵀ / sqrt(head_dim) + mask)·v, heads concatenated, then c_proj, for the
     * queries of positions {@code from} … T − 1.
     */
    NDArray attn(NDArray x, NDArray maskBias, KvCache cache, int from) {
        Shape s = x.getShape();
        long b = s.get(0), t = s.get(1), d = s.get(2);
        NDList qkv = Ops.conv1d(x, attnW, attnB).split(3, 2); // q, k, v: [B, T, d] each
        NDArray q = heads(qkv.get(0), b, t);                   // [B, H, T, hd]
        NDArray k = heads(qkv.get(1), b, t);
        NDArray v = heads(qkv.get(2), b, t);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);          // [B, H, past + T, hd]
            k = kv[0];
            v = kv[1];
        }
        q = Attention.queriesFrom(q, from);                               // the queries that are read
        maskBias = Attention.queriesFrom(maskBias, from);
        NDArray scale = Constants.scalar(q, 1.0 / Math.sqrt(config.headDim()));
        NDArray att = q.mul(scale).matMul(k.transpose(0, 1, 3, 2)).addi(maskBias).softmax(-1); // [B, H, T − from, past + T]
        NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t - from, d);               // heads side by side
        return Ops.conv1d(y, attnProjW, attnProjB);
    }

    /** mlp(x) = c_proj(gelu(c_fc(x))). */
    NDArray mlp(NDArray x) {
        return Ops.conv1d(Ops.gelu(Ops.conv1d(x, fcW, fcB), config.activation_function()), mlpProjW, mlpProjB);
    }

    private NDArray heads(NDArray x, long b, long t) {
        return x.reshape(b, t, config.n_head(), config.headDim()).transpose(0, 2, 1, 3);
    }
}
