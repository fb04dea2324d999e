package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Llama family's {@code config.json}: {@code model_type} llama, qwen2 or mistral, which share one architecture
 * in transformers (RMSNorm, rotary embeddings, grouped-query attention, SwiGLU MLP) and differ in a few switches:
 * Qwen2 always has q/k/v biases, Llama has them (and an o_proj bias) with {@code attention_bias}, Mistral may limit
 * attention to a {@code sliding_window}.
 *
 * @param head_dim     the per-head width (hidden_size / num_attention_heads unless config.json sets it)
 * @param rope_scaling null, or transformers' "llama3" scaling
 * @param sliding_window null for full attention, else each query sees the last {@code sliding_window} positions
 * @param pad_token_id null when the config names none
 */
public record LlamaConfig(
        String model_type,
        int vocab_size,
        int hidden_size,
        int intermediate_size,
        int num_hidden_layers,
        int num_attention_heads,
        int num_key_value_heads,
        int head_dim,
        int max_position_embeddings,
        double rms_norm_eps,
        double rope_theta,
        RopeScaling rope_scaling,
        boolean attention_bias,
        boolean mlp_bias,
        boolean tie_word_embeddings,
        Integer sliding_window,
        double initializer_range,
        Integer bos_token_id,
        int eos_token_id,
        Integer pad_token_id) implements LmConfig {

    /** transformers' {@code rope_scaling} with {@code rope_type} "llama3". */
    public record RopeScaling(double factor, double low_freq_factor, double high_freq_factor,
                              int original_max_position_embeddings) {}

    public LlamaConfig {
        if (!model_type.equals("llama") && !model_type.equals("qwen2") && !model_type.equals("mistral")) {
            throw new IllegalArgumentException("model_type must be llama, qwen2 or mistral, was " + model_type);
        }
        if (num_attention_heads <= 0 || num_key_value_heads <= 0 || num_attention_heads % num_key_value_heads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + num_attention_heads
                    + ") must be a positive multiple of num_key_value_heads (" + num_key_value_heads + ")");
        }
        if (head_dim <= 0 || head_dim % 2 != 0) throw new IllegalArgumentException("head_dim must be even, was " + head_dim);
        if (vocab_size <= 0 || hidden_size <= 0 || intermediate_size <= 0 || num_hidden_layers <= 0
                || max_position_embeddings <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + vocab_size + ", " + hidden_size + ", "
                    + intermediate_size + ", " + num_hidden_layers + ", " + max_position_embeddings);
        }
        if (eos_token_id < 0 || eos_token_id >= vocab_size) {
            throw new IllegalArgumentException("eos_token_id " + eos_token_id + " is outside the vocabulary of " + vocab_size);
        }
        if (sliding_window != null && sliding_window <= 0) sliding_window = null;
    }

    /** A small Llama with defaults (θ 10000, eps 1e-6, tied embeddings, EOS the last id) for tests and from-scratch runs. */
    public static LlamaConfig llama(int vocabSize, int maxPositions, int hiddenSize, int intermediateSize, int layers,
                                    int heads, int kvHeads) {
        return new LlamaConfig("llama", vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads,
                hiddenSize / heads, maxPositions, 1e-6, 10000.0, null, false, false, true, null, 0.02,
                null, vocabSize - 1, null);
    }

    /** q/k/v projections carry biases: always for Qwen2, with {@code attention_bias} for Llama. */
    public boolean qkvBias() {
        return model_type.equals("qwen2") || attention_bias;
    }

    /** o_proj carries a bias: Llama with {@code attention_bias}. */
    public boolean oBias() {
        return model_type.equals("llama") && attention_bias;
    }

    /** 0 for full attention, else the window. */
    int window() {
        return sliding_window == null ? 0 : sliding_window;
    }

    @Override
    public Map<String, long[]> tensorShapes() {
        long d = hidden_size, q = (long) num_attention_heads * head_dim, kv = (long) num_key_value_heads * head_dim;
        long inner = intermediate_size;
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("model.embed_tokens.weight", new long[] {vocab_size, d});
        for (int i = 0; i < num_hidden_layers; i++) {
            String l = "model.layers." + i + ".";
            s.put(l + "self_attn.q_proj.weight", new long[] {q, d});
            if (qkvBias()) s.put(l + "self_attn.q_proj.bias", new long[] {q});
            s.put(l + "self_attn.k_proj.weight", new long[] {kv, d});
            if (qkvBias()) s.put(l + "self_attn.k_proj.bias", new long[] {kv});
            s.put(l + "self_attn.v_proj.weight", new long[] {kv, d});
            if (qkvBias()) s.put(l + "self_attn.v_proj.bias", new long[] {kv});
            s.put(l + "self_attn.o_proj.weight", new long[] {d, q});
            if (oBias()) s.put(l + "self_attn.o_proj.bias", new long[] {d});
            s.put(l + "mlp.gate_proj.weight", new long[] {inner, d});
            if (mlp_bias) s.put(l + "mlp.gate_proj.bias", new long[] {inner});
            s.put(l + "mlp.up_proj.weight", new long[] {inner, d});
            if (mlp_bias) s.put(l + "mlp.up_proj.bias", new long[] {inner});
            s.put(l + "mlp.down_proj.weight", new long[] {d, inner});
            if (mlp_bias) s.put(l + "mlp.down_proj.bias", new long[] {d});
            s.put(l + "input_layernorm.weight", new long[] {d});
            s.put(l + "post_attention_layernorm.weight", new long[] {d});
        }
        s.put("model.norm.weight", new long[] {d});
        if (!tie_word_embeddings) s.put("lm_head.weight", new long[] {vocab_size, d});
        return s;
    }

    @Override
    public String lmHeadTensor() {
        return tie_word_embeddings ? null : "lm_head.weight";
    }

    @Override
    public boolean isIgnored(String name) {
        return (tie_word_embeddings && name.equals("lm_head.weight")) || name.endsWith("rotary_emb.inv_freq");
    }

    @Override
    public String architecture(boolean sequenceClassification) {
        String base = switch (model_type) {
            case "qwen2" -> "Qwen2";
            case "mistral" -> "Mistral";
            default -> "Llama";
        };
        return base + (sequenceClassification ? "ForSequenceClassification" : "ForCausalLM");
    }

    @Override
    public CausalLm newModel(NDManager manager, long seed) {
        return Llama.random(this, manager, seed);
    }

    @Override
    public CausalLm fromTensors(Map<String, NDArray> tensors, NDManager manager, DataType dtype) {
        return Llama.fromTensors(this, tensors, manager, dtype);
    }

    @Override
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model_type", model_type);
        o.addProperty("vocab_size", vocab_size);
        o.addProperty("hidden_size", hidden_size);
        o.addProperty("intermediate_size", intermediate_size);
        o.addProperty("num_hidden_layers", num_hidden_layers);
        o.addProperty("num_attention_heads", num_attention_heads);
        o.addProperty("num_key_value_heads", num_key_value_heads);
        o.addProperty("head_dim", head_dim);
        o.addProperty("max_position_embeddings", max_position_embeddings);
        o.addProperty("hidden_act", "silu");
        o.addProperty("rms_norm_eps", rms_norm_eps);
        o.addProperty("rope_theta", rope_theta);
        if (rope_scaling == null) {
            o.add("rope_scaling", JsonNull.INSTANCE);
        } else {
            JsonObject r = new JsonObject();
            r.addProperty("rope_type", "llama3");
            r.addProperty("factor", rope_scaling.factor());
            r.addProperty("low_freq_factor", rope_scaling.low_freq_factor());
            r.addProperty("high_freq_factor", rope_scaling.high_freq_factor());
            r.addProperty("original_max_position_embeddings", rope_scaling.original_max_position_embeddings());
            o.add("rope_scaling", r);
        }
        if (model_type.equals("llama")) {
            o.addProperty("attention_bias", attention_bias);
            o.addProperty("mlp_bias", mlp_bias);
        }
        if (model_type.equals("qwen2")) o.addProperty("use_sliding_window", false);
        if (model_type.equals("mistral")) {
            if (sliding_window == null) o.add("sliding_window", JsonNull.INSTANCE);
            else o.addProperty("sliding_window", sliding_window);
        }
        o.addProperty("attention_dropout", 0.0);
        o.addProperty("tie_word_embeddings", tie_word_embeddings);
        o.addProperty("initializer_range", initializer_range);
        if (bos_token_id != null) o.addProperty("bos_token_id", bos_token_id);
        o.addProperty("eos_token_id", eos_token_id);
        if (pad_token_id != null) o.addProperty("pad_token_id", pad_token_id);
        o.addProperty("use_cache", true);
        return o;
    }

    /** Reads the fields of a llama, qwen2 or mistral {@code config.json}, with transformers' defaults. */
    static LlamaConfig fromJson(JsonObject o, Path file) {
        String type = o.get("model_type").getAsString();
        int hidden = Json.required(o, "hidden_size", file);
        int heads = Json.required(o, "num_attention_heads", file);
        String act = Json.string(o, "hidden_act", "silu");
        if (!act.equals("silu")) throw new IllegalArgumentException(file + ": hidden_act \"" + act + "\" is not supported (silu)");
        RopeScaling scaling = null;
        if (o.has("rope_scaling") && o.get("rope_scaling").isJsonObject()) {
            JsonObject r = o.getAsJsonObject("rope_scaling");
            String rt = Json.string(r, "rope_type", Json.string(r, "type", "default"));
            if (rt.equals("llama3")) {
                scaling = new RopeScaling(Json.decimal(r, "factor", 8), Json.decimal(r, "low_freq_factor", 1),
                        Json.decimal(r, "high_freq_factor", 4), Json.required(r, "original_max_position_embeddings", file));
            } else if (!rt.equals("default")) {
                throw new IllegalArgumentException(file + ": rope_scaling type \"" + rt + "\" is not supported (none or llama3)");
            }
        }
        if (type.equals("qwen2") && o.has("use_sliding_window") && o.get("use_sliding_window").getAsBoolean()) {
            throw new IllegalArgumentException(file + ": Qwen2 with use_sliding_window true is not supported");
        }
        Integer window = type.equals("mistral") ? Json.optionalInt(o, "sliding_window") : null;
        int vocab = Json.required(o, "vocab_size", file);
        Integer eos = Json.firstInt(o, "eos_token_id");
        return new LlamaConfig(type, vocab, hidden,
                Json.required(o, "intermediate_size", file),
                Json.required(o, "num_hidden_layers", file),
                heads,
                Json.integer(o, "num_key_value_heads", heads),
                Json.integer(o, "head_dim", hidden / heads),
                Json.integer(o, "max_position_embeddings", 2048),
                Json.decimal(o, "rms_norm_eps", 1e-6),
                Json.decimal(o, "rope_theta", 10000.0),
                scaling,
                Json.bool(o, "attention_bias", false),
                Json.bool(o, "mlp_bias", false),
                Json.bool(o, "tie_word_embeddings", false),
                window,
                Json.decimal(o, "initializer_range", 0.02),
                Json.firstInt(o, "bos_token_id"),
                eos == null ? vocab - 1 : eos,
                Json.firstInt(o, "pad_token_id"));
    }
}
