package dev.rlhf.lm;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GPT-2 hyperparameters, named as in the Hugging Face {@code config.json} of a GPT-2 checkpoint.
 *
 * <p>{@code bos_token_id} and {@code eos_token_id} are the ids of the end-of-text token (50256 for the GPT-2 BPE);
 * GPT-2 has no pad token, so padding is carried by an attention mask, never by a token id.
 */
public record GPT2Config(
        int vocab_size,
        int n_positions,
        int n_embd,
        int n_layer,
        int n_head,
        Integer n_inner,
        String activation_function,
        double layer_norm_epsilon,
        double initializer_range,
        int bos_token_id,
        int eos_token_id) implements LmConfig {

    public static final String MODEL_TYPE = "gpt2";

    public GPT2Config {
        if (vocab_size <= 0) throw new IllegalArgumentException("vocab_size must be positive, was " + vocab_size);
        if (n_positions <= 0) throw new IllegalArgumentException("n_positions must be positive, was " + n_positions);
        if (n_layer <= 0) throw new IllegalArgumentException("n_layer must be positive, was " + n_layer);
        if (n_head <= 0 || n_embd <= 0 || n_embd % n_head != 0) {
            throw new IllegalArgumentException("n_embd (" + n_embd + ") must be a positive multiple of n_head (" + n_head + ")");
        }
        if (activation_function == null) activation_function = "gelu_new";
        if (!activation_function.equals("gelu_new") && !activation_function.equals("gelu")) {
            throw new IllegalArgumentException("activation_function must be gelu_new or gelu, was " + activation_function);
        }
        if (eos_token_id < 0 || eos_token_id >= vocab_size) {
            throw new IllegalArgumentException("eos_token_id " + eos_token_id + " is outside the vocabulary of " + vocab_size);
        }
    }

    /** A config with GPT-2's defaults for the given size; the end-of-text token is the last id of the vocabulary. */
    public static GPT2Config of(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
        return new GPT2Config(vocabSize, nPositions, nEmbd, nLayer, nHead, null, "gelu_new", 1e-5, 0.02,
                vocabSize - 1, vocabSize - 1);
    }

    /** The 124M-parameter GPT-2 ("gpt2" on the Hugging Face hub). */
    public static GPT2Config gpt2Small() {
        return new GPT2Config(50257, 1024, 768, 12, 12, null, "gelu_new", 1e-5, 0.02, 50256, 50256);
    }

    public int headDim() {
        return n_embd / n_head;
    }

    /** The MLP's hidden width: {@code n_inner}, or 4·n_embd when it is null (as in Hugging Face). */
    public int innerDim() {
        return n_inner != null ? n_inner : 4 * n_embd;
    }

    /**
     * Every tensor of a GPT-2 checkpoint, by its Hugging Face name (without the {@code transformer.} prefix), with
     * its shape in the checkpoint's layout (Conv1D weights are [in, out]). The model and the checkpoint IO both use
     * this table, so a missing or misshapen tensor is named the same way everywhere.
     */
    public Map<String, long[]> tensorShapes() {
        long d = n_embd, inner = innerDim();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new long[] {vocab_size, d});
        shapes.put("wpe.weight", new long[] {n_positions, d});
        for (int i = 0; i < n_layer; i++) {
            String h = "h." + i + ".";
            shapes.put(h + "ln_1.weight", new long[] {d});
            shapes.put(h + "ln_1.bias", new long[] {d});
            shapes.put(h + "attn.c_attn.weight", new long[] {d, 3 * d});
            shapes.put(h + "attn.c_attn.bias", new long[] {3 * d});
            shapes.put(h + "attn.c_proj.weight", new long[] {d, d});
            shapes.put(h + "attn.c_proj.bias", new long[] {d});
            shapes.put(h + "ln_2.weight", new long[] {d});
            shapes.put(h + "ln_2.bias", new long[] {d});
            shapes.put(h + "mlp.c_fc.weight", new long[] {d, inner});
            shapes.put(h + "mlp.c_fc.bias", new long[] {inner});
            shapes.put(h + "mlp.c_proj.weight", new long[] {inner, d});
            shapes.put(h + "mlp.c_proj.bias", new long[] {d});
        }
        shapes.put("ln_f.weight", new long[] {d});
        shapes.put("ln_f.bias", new long[] {d});
        return shapes;
    }

    /** Parameters in the model, counting the tied output embedding once. */
    @Override
    public long parameterCount() {
        return tensorShapes().values().stream().mapToLong(s -> {
            long n = 1;
            for (long x : s) n *= x;
            return n;
        }).sum();
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Reads a Hugging Face {@code config.json}; a model_type other than gpt2 is refused by name. */
    public static GPT2Config read(Path configJson) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(configJson, StandardCharsets.UTF_8)).getAsJsonObject();
        String type = o.has("model_type") ? o.get("model_type").getAsString() : null;
        if (!MODEL_TYPE.equals(type)) {
            throw new IllegalArgumentException(configJson + ": unsupported architecture: model_type is "
                    + (type == null ? "missing" : "\"" + type + "\"") + ", expected \"gpt2\"");
        }
        return new GPT2Config(
                required(o, "vocab_size", configJson),
                required(o, "n_positions", configJson),
                required(o, "n_embd", configJson),
                required(o, "n_layer", configJson),
                required(o, "n_head", configJson),
                o.has("n_inner") && !o.get("n_inner").isJsonNull() ? o.get("n_inner").getAsInt() : null,
                o.has("activation_function") ? o.get("activation_function").getAsString() : "gelu_new",
                o.has("layer_norm_epsilon") ? o.get("layer_norm_epsilon").getAsDouble() : 1e-5,
                o.has("initializer_range") ? o.get("initializer_range").getAsDouble() : 0.02,
                o.has("bos_token_id") ? o.get("bos_token_id").getAsInt() : 50256,
                o.has("eos_token_id") ? o.get("eos_token_id").getAsInt() : 50256);
    }

    private static int required(JsonObject o, String field, Path file) {
        if (!o.has(field) || o.get(field).isJsonNull()) {
            throw new IllegalArgumentException(file + ": config field \"" + field + "\" is missing");
        }
        return o.get(field).getAsInt();
    }

    /** Writes a {@code config.json} that Hugging Face transformers reads as a GPT2LMHeadModel. */
    public void write(Path configJson) throws IOException {
        JsonObject o = new JsonObject();
        com.google.gson.JsonArray arch = new com.google.gson.JsonArray();
        arch.add(architecture(false));
        o.add("architectures", arch);
        toJson().entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        o.addProperty("torch_dtype", "float32");
        Files.writeString(configJson, GSON.toJson(o), StandardCharsets.UTF_8);
    }

    @Override
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model_type", MODEL_TYPE);
        o.addProperty("vocab_size", vocab_size);
        o.addProperty("n_positions", n_positions);
        o.addProperty("n_ctx", n_positions);
        o.addProperty("n_embd", n_embd);
        o.addProperty("n_layer", n_layer);
        o.addProperty("n_head", n_head);
        if (n_inner != null) o.addProperty("n_inner", n_inner);
        o.addProperty("activation_function", activation_function);
        o.addProperty("layer_norm_epsilon", layer_norm_epsilon);
        o.addProperty("initializer_range", initializer_range);
        o.addProperty("resid_pdrop", 0.0);
        o.addProperty("embd_pdrop", 0.0);
        o.addProperty("attn_pdrop", 0.0);
        o.addProperty("bos_token_id", bos_token_id);
        o.addProperty("eos_token_id", eos_token_id);
        o.addProperty("tie_word_embeddings", true);
        return o;
    }

    // ---- LmConfig: transformers' generic names (GPT2Config's attribute_map) and the checkpoint layout ----

    @Override
    public String model_type() {
        return MODEL_TYPE;
    }

    @Override
    public int hidden_size() {
        return n_embd;
    }

    @Override
    public int num_hidden_layers() {
        return n_layer;
    }

    @Override
    public int num_attention_heads() {
        return n_head;
    }

    @Override
    public int num_key_value_heads() {
        return n_head;
    }

    @Override
    public int head_dim() {
        return headDim();
    }

    @Override
    public int intermediate_size() {
        return innerDim();
    }

    @Override
    public int max_position_embeddings() {
        return n_positions;
    }

    /** The output projection is tied to {@code wte}. */
    @Override
    public String lmHeadTensor() {
        return null;
    }

    /** Parameters are stored with the {@code transformer.} prefix, as GPT2LMHeadModel.save_pretrained writes them. */
    @Override
    public String storedName(String name) {
        return PREFIX + name;
    }

    /** Accepts names with or without the {@code transformer.} prefix (the original gpt2 files have none). */
    @Override
    public String modelName(String stored) {
        return stored.startsWith(PREFIX) ? stored.substring(PREFIX.length()) : stored;
    }

    /** The tied {@code lm_head.weight} and the causal-mask buffers {@code h.{i}.attn.bias / masked_bias}. */
    @Override
    public boolean isIgnored(String name) {
        return IGNORED.matcher(name).matches();
    }

    @Override
    public String architecture(boolean sequenceClassification) {
        return sequenceClassification ? "GPT2ForSequenceClassification" : "GPT2LMHeadModel";
    }

    @Override
    public CausalLm newModel(NDManager manager, long seed) {
        return new GPT2(this, manager, seed);
    }

    @Override
    public CausalLm fromTensors(Map<String, NDArray> tensors, NDManager manager, DataType dtype) {
        return GPT2.fromTensors(this, tensors, manager, dtype);
    }

    private static final String PREFIX = "transformer.";
    private static final java.util.regex.Pattern IGNORED =
            java.util.regex.Pattern.compile("lm_head\\.weight|h\\.\\d+\\.attn\\.(bias|masked_bias)");
}
