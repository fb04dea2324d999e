package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPT-NeoX's {@code config.json} ({@code model_type} gpt_neox: Pythia, GPT-NeoX-20B). Rotary embeddings on the first
 * {@code rotary_pct · head_dim} features of each head (base {@code rotary_emb_base}, called {@code rope_theta} in newer
 * files), LayerNorm with {@code layer_norm_eps}, a parallel residual when {@code use_parallel_residual}, and an untied
 * {@code embed_out} unless {@code tie_word_embeddings}.
 */
public record GPTNeoXConfig(
        int vocab_size,
        int hidden_size,
        int intermediate_size,
        int num_hidden_layers,
        int num_attention_heads,
        int max_position_embeddings,
        double rotary_pct,
        double rotary_emb_base,
        double layer_norm_eps,
        boolean use_parallel_residual,
        String hidden_act,
        boolean attention_bias,
        boolean tie_word_embeddings,
        double initializer_range,
        Integer bos_token_id,
        int eos_token_id) implements LmConfig {

    public static final String MODEL_TYPE = "gpt_neox";

    public GPTNeoXConfig {
        if (num_attention_heads <= 0 || hidden_size <= 0 || hidden_size % num_attention_heads != 0) {
            throw new IllegalArgumentException("hidden_size (" + hidden_size + ") must be a positive multiple of "
                    + "num_attention_heads (" + num_attention_heads + ")");
        }
        if (hidden_act == null) hidden_act = "gelu";
        if (!hidden_act.equals("gelu") && !hidden_act.equals("gelu_new")) {
            throw new IllegalArgumentException("hidden_act must be gelu or gelu_new, was " + hidden_act);
        }
        if (eos_token_id < 0 || eos_token_id >= vocab_size) {
            throw new IllegalArgumentException("eos_token_id " + eos_token_id + " is outside the vocabulary of " + vocab_size);
        }
        int rot = (int) ((hidden_size / num_attention_heads) * rotary_pct);
        if (rot <= 0 || rot % 2 != 0) {
            throw new IllegalArgumentException("rotary_pct " + rotary_pct + " gives " + rot + " rotary features; need an even positive number");
        }
    }

    /** A small Pythia-like model (parallel residual, rotary_pct 0.25, untied embed_out, EOS the last id). */
    public static GPTNeoXConfig pythia(int vocabSize, int maxPositions, int hiddenSize, int layers, int heads) {
        return new GPTNeoXConfig(vocabSize, hiddenSize, 4 * hiddenSize, layers, heads, maxPositions, 0.25, 10000,
                1e-5, true, "gelu", true, false, 0.02, vocabSize - 1, vocabSize - 1);
    }

    @Override
    public String model_type() {
        return MODEL_TYPE;
    }

    @Override
    public int num_key_value_heads() {
        return num_attention_heads;
    }

    @Override
    public int head_dim() {
        return hidden_size / num_attention_heads;
    }

    /** The rotated features per head, int(head_dim · rotary_pct) as transformers truncates it. */
    public int rotaryDims() {
        return (int) (head_dim() * rotary_pct);
    }

    @Override
    public Map<String, long[]> tensorShapes() {
        long d = hidden_size, inner = intermediate_size;
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("gpt_neox.embed_in.weight", new long[] {vocab_size, d});
        for (int i = 0; i < num_hidden_layers; i++) {
            String l = "gpt_neox.layers." + i + ".";
            s.put(l + "input_layernorm.weight", new long[] {d});
            s.put(l + "input_layernorm.bias", new long[] {d});
            s.put(l + "post_attention_layernorm.weight", new long[] {d});
            s.put(l + "post_attention_layernorm.bias", new long[] {d});
            s.put(l + "attention.query_key_value.weight", new long[] {3 * d, d});
            if (attention_bias) s.put(l + "attention.query_key_value.bias", new long[] {3 * d});
            s.put(l + "attention.dense.weight", new long[] {d, d});
            if (attention_bias) s.put(l + "attention.dense.bias", new long[] {d});
            s.put(l + "mlp.dense_h_to_4h.weight", new long[] {inner, d});
            s.put(l + "mlp.dense_h_to_4h.bias", new long[] {inner});
            s.put(l + "mlp.dense_4h_to_h.weight", new long[] {d, inner});
            s.put(l + "mlp.dense_4h_to_h.bias", new long[] {d});
        }
        s.put("gpt_neox.final_layer_norm.weight", new long[] {d});
        s.put("gpt_neox.final_layer_norm.bias", new long[] {d});
        if (!tie_word_embeddings) s.put("embed_out.weight", new long[] {vocab_size, d});
        return s;
    }

    @Override
    public String lmHeadTensor() {
        return tie_word_embeddings ? null : "embed_out.weight";
    }

    @Override
    public boolean isIgnored(String name) {
        return name.matches("gpt_neox\\.layers\\.\\d+\\.attention\\.(bias|masked_bias|rotary_emb\\.inv_freq)")
                || name.equals("gpt_neox.rotary_emb.inv_freq") || (tie_word_embeddings && name.equals("embed_out.weight"));
    }

    @Override
    public String architecture(boolean sequenceClassification) {
        return sequenceClassification ? "GPTNeoXForSequenceClassification" : "GPTNeoXForCausalLM";
    }

    @Override
    public CausalLm newModel(NDManager manager, long seed) {
        return GPTNeoX.random(this, manager, seed);
    }

    @Override
    public CausalLm fromTensors(Map<String, NDArray> tensors, NDManager manager, DataType dtype) {
        return GPTNeoX.fromTensors(this, tensors, manager, dtype);
    }

    @Override
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model_type", MODEL_TYPE);
        o.addProperty("vocab_size", vocab_size);
        o.addProperty("hidden_size", hidden_size);
        o.addProperty("intermediate_size", intermediate_size);
        o.addProperty("num_hidden_layers", num_hidden_layers);
        o.addProperty("num_attention_heads", num_attention_heads);
        o.addProperty("max_position_embeddings", max_position_embeddings);
        o.addProperty("rotary_pct", rotary_pct);
        o.addProperty("rotary_emb_base", rotary_emb_base);
        o.addProperty("rope_theta", rotary_emb_base);
        o.addProperty("layer_norm_eps", layer_norm_eps);
        o.addProperty("use_parallel_residual", use_parallel_residual);
        o.addProperty("hidden_act", hidden_act);
        o.addProperty("attention_bias", attention_bias);
        o.addProperty("tie_word_embeddings", tie_word_embeddings);
        o.addProperty("initializer_range", initializer_range);
        o.addProperty("attention_dropout", 0.0);
        o.addProperty("hidden_dropout", 0.0);
        if (bos_token_id != null) o.addProperty("bos_token_id", bos_token_id);
        o.addProperty("eos_token_id", eos_token_id);
        o.addProperty("use_cache", true);
        return o;
    }

    static GPTNeoXConfig fromJson(JsonObject o, Path file) {
        int vocab = Json.required(o, "vocab_size", file);
        Integer eos = Json.firstInt(o, "eos_token_id");
        double base = Json.decimal(o, "rope_theta", Json.decimal(o, "rotary_emb_base", 10000));
        return new GPTNeoXConfig(vocab,
                Json.required(o, "hidden_size", file),
                Json.required(o, "intermediate_size", file),
                Json.required(o, "num_hidden_layers", file),
                Json.required(o, "num_attention_heads", file),
                Json.integer(o, "max_position_embeddings", 2048),
                Json.decimal(o, "rotary_pct", Json.decimal(o, "partial_rotary_factor", 0.25)),
                base,
                Json.decimal(o, "layer_norm_eps", 1e-5),
                Json.bool(o, "use_parallel_residual", true),
                Json.string(o, "hidden_act", "gelu"),
                Json.bool(o, "attention_bias", true),
                Json.bool(o, "tie_word_embeddings", false),
                Json.decimal(o, "initializer_range", 0.02),
                Json.firstInt(o, "bos_token_id"),
                eos == null ? vocab - 1 : eos);
    }
}
