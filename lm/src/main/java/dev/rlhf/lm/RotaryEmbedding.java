package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings as transformers applies them (Llama, Qwen2, Mistral, GPT-NeoX): inv_freq_i =
 * 1/θ^(2i/dim), angles pos·inv_freq, cos and sin of cat(angles, angles), and x·cos + rotate_half(x)·sin with
 * rotate_half(x) = cat(−x₂, x₁) over the two halves of the first {@code dim} features of each head (GPT-NeoX
 * rotates only {@code rotary_pct} of them and passes the rest through). Positions are the position ids, so left
 * padding does not shift them.
 */
final class RotaryEmbedding {

    private final int dim;
    private final float[] invFreq;

    RotaryEmbedding(int dim, double theta, LlamaConfig.RopeScaling scaling) {
        if (dim <= 0 || dim % 2 != 0) throw new IllegalArgumentException("rotary dimension must be even and positive, was " + dim);
        this.dim = dim;
        this.invFreq = new float[dim / 2];
        for (int i = 0; i < dim / 2; i++) {
            float exponent = (float) (2 * i) / dim;                      // torch: arange(0, dim, 2).float() / dim
            double inv = 1.0 / Math.pow(theta, exponent);
            if (scaling != null) inv = llama3(inv, scaling);
            invFreq[i] = (float) inv;
        }
    }

    /**
     * transformers' {@code _compute_llama3_parameters}: wavelengths above original/low_freq_factor are divided by
     * {@code factor}, those below original/high_freq_factor kept, and the band between interpolated smoothly.
     */
    static double llama3(double inv, LlamaConfig.RopeScaling s) {
        double lowWavelen = s.original_max_position_embeddings() / s.low_freq_factor();
        double highWavelen = s.original_max_position_embeddings() / s.high_freq_factor();
        double wavelen = 2 * Math.PI / inv;
        if (wavelen < highWavelen) return inv;
        if (wavelen > lowWavelen) return inv / s.factor();
        double smooth = (s.original_max_position_embeddings() / wavelen - s.low_freq_factor())
                / (s.high_freq_factor() - s.low_freq_factor());
        return (1 - smooth) * inv / s.factor() + smooth * inv;
    }

    int dim() {
        return dim;
    }

    /** cos and sin [B, 1, T, dim] for position ids [B, T], in {@code type}, owned by the manager of the ids. */
    NDArray[] cosSin(NDArray positionIds, DataType type) {
        NDManager m = positionIds.getManager();
        NDArray inv = Constants.floats(m, invFreq, new Shape(1, 1, invFreq.length));
        NDArray angles = positionIds.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv);  // [B, T, dim/2]
        NDArray emb = angles.concat(angles, -1);                                                // cat(freqs, freqs)
        NDArray cos = emb.cos().expandDims(1), sin = emb.sin().expandDims(1);
        if (type != DataType.FLOAT32) {
            cos = cos.toType(type, false);
            sin = sin.toType(type, false);
        }
        return new NDArray[] {cos, sin};
    }

    /** x·cos + rotate_half(x)·sin on the first {@code dim} features of x [B, H, T, hd]; the rest pass through. */
    NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long hd = x.getShape().get(3);
        NDArray rot = dim == hd ? x : x.get(":, :, :, :{}", dim);
        NDArray x1 = rot.get(":, :, :, :{}", dim / 2), x2 = rot.get(":, :, :, {}:", dim / 2);
        NDArray rotated = x2.neg().concat(x1, -1);                                              // rotate_half
        NDArray out = rot.mul(cos).add(rotated.mul(sin));
        return dim == hd ? out : out.concat(x.get(":, :, :, {}:", dim), -1);
    }
}
