package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The hyperparameters of a causal language model as a Hugging Face {@code config.json} holds them, whatever the
 * family. Accessors carry the names transformers gives them on every config ({@code hidden_size},
 * {@code num_hidden_layers}, {@code max_position_embeddings}…; GPT-2 maps its own names onto these, as its
 * {@code attribute_map} does). {@link #read} is the one place that looks at {@code model_type}; everything else goes
 * through this interface and {@link CausalLm}.
 */
public interface LmConfig {

    /** The {@code model_type} of config.json: gpt2, llama, qwen2, mistral or gpt_neox. */
    String model_type();

    int vocab_size();

    int hidden_size();

    int num_hidden_layers();

    int num_attention_heads();

    /** Key/value heads (grouped-query attention); equal to the attention heads where the family has no GQA. */
    int num_key_value_heads();

    int head_dim();

    /** The MLP's hidden width (GPT-2's n_inner, 4·n_embd unless set). */
    int intermediate_size();

    /** The longest sequence the model accepts (n_positions for GPT-2). */
    int max_position_embeddings();

    /** The end-of-text id (the first one where config.json lists several). */
    int eos_token_id();

    /**
     * Every parameter by its Hugging Face name as the model holds it, with its shape in the checkpoint's layout. The
     * model, the checkpoint IO and the optimizer all use this table.
     */
    Map<String, long[]> tensorShapes();

    /** The untied output projection ({@code lm_head.weight}, {@code embed_out.weight}), or null when it is tied. */
    String lmHeadTensor();

    /** The name under which a parameter is stored in a checkpoint (GPT-2 adds {@code transformer.}). */
    default String storedName(String name) {
        return name;
    }

    /** The parameter name of a stored tensor (the inverse of {@link #storedName}). */
    default String modelName(String stored) {
        return stored;
    }

    /** Stored tensors that are not parameters and are skipped on load (causal-mask buffers, rotary caches, a tied head). */
    boolean isIgnored(String modelName);

    /** The transformers class that loads a saved policy ({@code LlamaForCausalLM}…) or reward model ({@code …ForSequenceClassification}). */
    String architecture(boolean sequenceClassification);

    /** The config.json fields of this config, without {@code architectures} (the checkpoint writer adds it). */
    JsonObject toJson();

    /** A randomly initialised model of this shape, seeded. */
    CausalLm newModel(NDManager manager, long seed);

    /** A model holding copies of {@code tensors} (keys as {@link #tensorShapes()}) in {@code dtype}. */
    CausalLm fromTensors(Map<String, NDArray> tensors, NDManager manager, DataType dtype);

    /** Parameters in the model, counting a tied output embedding once. */
    default long parameterCount() {
        return tensorShapes().values().stream().mapToLong(s -> {
            long n = 1;
            for (long x : s) n *= x;
            return n;
        }).sum();
    }

    /** Families this project reads, by {@code model_type}. */
    String SUPPORTED = "gpt2, llama, qwen2, mistral, gpt_neox";

    /** Reads a Hugging Face {@code config.json} of any supported family; an unknown model_type is refused by name. */
    static LmConfig read(Path configJson) throws IOException {
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(configJson, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(configJson + ": not a JSON object: " + e.getMessage(), e);
        }
        String type = o.has("model_type") ? o.get("model_type").getAsString() : null;
        if (type == null) throw new IllegalArgumentException(configJson + ": model_type is missing");
        switch (type) {
            case "gpt2": return GPT2Config.read(configJson);
            case "llama": case "qwen2": case "mistral": return LlamaConfig.fromJson(o, configJson);
            case "gpt_neox": return GPTNeoXConfig.fromJson(o, configJson);
            default:
                throw new IllegalArgumentException(configJson + ": unsupported architecture: model_type is \"" + type
                        + "\", expected one of " + SUPPORTED);
        }
    }
}
