package dev.rlhf.lm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.LmConfig;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Hugging Face model directory of any supported family: {@code config.json} and {@code model.safetensors} (or the
 * shards listed in {@code model.safetensors.index.json}), plus the tokenizer files when there are some.
 *
 * <p>Loading reads {@code config.json} through {@link LmConfig#read}, maps each stored name to the model's name
 * ({@link LmConfig#modelName}: GPT-2's {@code transformer.} prefix is optional), skips buffers and a tied head
 * ({@link LmConfig#isIgnored}), and returns the parameters keyed by {@link LmConfig#tensorShapes()} names, float32,
 * and any other tensor (a reward model's {@code score.weight}, a value head) under its stored name in
 * {@link #extraTensors()}. Names and shapes are checked before any tensor is read. An untied LM head may be missing
 * (a {@code …ForSequenceClassification} directory); every other parameter is required. Each tensor is mapped from
 * its file and copied once into native memory, never into the Java heap.
 *
 * <p>Saving writes what transformers' {@code save_pretrained} writes: {@code config.json} with the family's
 * {@code architectures} ({@code GPT2LMHeadModel}, {@code LlamaForCausalLM}, {@code Qwen2ForCausalLM},
 * {@code MistralForCausalLM}, {@code GPTNeoXForCausalLM}; a reward or value model as the matching
 * {@code …ForSequenceClassification} with {@code num_labels} 1) and {@code model.safetensors} with
 * {@code {"format": "pt"}} metadata, the stored names and no tied head.
 *
 * @param storedType the floating type the parameters were stored in (F32, F16 or BF16); they are float32 here
 */
public record HfCheckpoint(LmConfig config, Map<String, NDArray> tensors, Map<String, NDArray> extraTensors,
                           TensorDType storedType) {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String WEIGHTS_INDEX_FILE = "model.safetensors.index.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    public HfCheckpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        extraTensors = Collections.unmodifiableMap(new LinkedHashMap<>(extraTensors));
    }

    /**
     * The model of a directory, its parameters owned by {@code manager}; the file's tensors are read into a scratch
     * sub-manager and freed once copied (extra tensors such as a score head are ignored).
     */
    public static CausalLm loadModel(Path modelDir, NDManager manager) throws IOException {
        try (NDManager io = manager.newSubManager()) {
            return load(modelDir, io).model(manager);
        }
    }

    /** A model holding float32 copies of this checkpoint's parameters, owned by {@code manager}. */
    public CausalLm model(NDManager manager) {
        return config.fromTensors(tensors, manager, DataType.FLOAT32);
    }

    /** Reads {@code config.json} alone. */
    public static LmConfig readConfig(Path modelDir) throws IOException {
        Path configFile = modelDir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointFormatException(modelDir + ": no " + CONFIG_FILE + " (not a Hugging Face model directory)");
        }
        try {
            return LmConfig.read(configFile);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(e.getMessage(), e);
        }
    }

    /** Loads a model directory; every tensor is created in {@code manager}. */
    public static HfCheckpoint load(Path modelDir, NDManager manager) throws IOException {
        LmConfig config = readConfig(modelDir);
        Path configFile = modelDir.resolve(CONFIG_FILE);
        List<SafeTensors> files = openWeights(modelDir);
        try {
            Map<String, long[]> shapes = config.tensorShapes();
            Map<String, Source> params = new LinkedHashMap<>();
            Map<String, Source> extra = new LinkedHashMap<>();
            for (SafeTensors file : files) {
                for (SafeTensors.TensorInfo t : file.tensors().values()) {
                    String stored = t.name();
                    String name = config.modelName(stored);
                    Source source = new Source(file, t);
                    if (config.isIgnored(name)) continue;
                    if (shapes.containsKey(name)) {
                        Source previous = params.put(name, source);
                        if (previous != null) {
                            throw new CheckpointFormatException(file.file() + ": tensor " + name + " is stored twice, as "
                                    + previous.info().name() + " and " + stored);
                        }
                    } else {
                        extra.put(stored, source);
                    }
                }
            }
            TensorDType storedType = null;
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                Source s = params.get(e.getKey());
                String where = files.size() == 1 ? files.get(0).file().toString() : modelDir.toString();
                if (s == null) {
                    if (e.getKey().equals(config.lmHeadTensor())) continue;   // a sequence classifier has no LM head
                    throw new CheckpointFormatException(where + ": missing tensor " + e.getKey());
                }
                if (!Arrays.equals(s.info().shape(), e.getValue())) {
                    throw new CheckpointFormatException(s.file().file() + ": tensor " + e.getKey() + " has shape "
                            + Arrays.toString(s.info().shape()) + ", expected " + Arrays.toString(e.getValue())
                            + " for " + configFile.getFileName() + " (hidden size " + config.hidden_size()
                            + ", vocab_size " + config.vocab_size() + ", max positions "
                            + config.max_position_embeddings() + ")");
                }
                if (!s.info().dtype().isFloating()) {
                    throw new CheckpointFormatException(s.file().file() + ": tensor " + e.getKey() + " has dtype "
                            + s.info().dtype() + ", expected a floating type");
                }
                if (storedType == null) storedType = s.info().dtype();
            }
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            Map<String, NDArray> extraTensors = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, Source> e : params.entrySet()) {
                    tensors.put(e.getKey(), e.getValue().file().load(e.getValue().info().name(), manager));
                }
                for (Map.Entry<String, Source> e : extra.entrySet()) {
                    extraTensors.put(e.getKey(), e.getValue().file().load(e.getKey(), manager));
                }
            } catch (IOException | RuntimeException e) {
                tensors.values().forEach(NDArray::close);
                extraTensors.values().forEach(NDArray::close);
                throw e;
            }
            Map<String, NDArray> ordered = new LinkedHashMap<>();
            for (String name : shapes.keySet()) if (tensors.containsKey(name)) ordered.put(name, tensors.get(name));
            return new HfCheckpoint(config, ordered, extraTensors, storedType == null ? TensorDType.F32 : storedType);
        } finally {
            for (SafeTensors f : files) f.close();
        }
    }

    private record Source(SafeTensors file, SafeTensors.TensorInfo info) {
    }

    private static List<SafeTensors> openWeights(Path modelDir) throws IOException {
        Path single = modelDir.resolve(WEIGHTS_FILE);
        Path index = modelDir.resolve(WEIGHTS_INDEX_FILE);
        List<SafeTensors> files = new ArrayList<>();
        try {
            if (Files.isRegularFile(single)) {
                files.add(SafeTensors.open(single));
            } else if (Files.isRegularFile(index)) {
                JsonObject o;
                try {
                    o = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8)).getAsJsonObject();
                } catch (RuntimeException e) {
                    throw new CheckpointFormatException(index + ": not a JSON object: " + e.getMessage(), e);
                }
                if (!o.has("weight_map") || !o.get("weight_map").isJsonObject()) {
                    throw new CheckpointFormatException(index + ": weight_map is missing");
                }
                Map<String, Boolean> shards = new TreeMap<>();
                for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("weight_map").entrySet()) {
                    shards.put(e.getValue().getAsString(), true);
                }
                for (String shard : shards.keySet()) {
                    Path p = modelDir.resolve(shard).normalize();
                    if (!p.startsWith(modelDir.normalize())) {
                        throw new CheckpointFormatException(index + ": shard " + shard + " lies outside the model directory");
                    }
                    files.add(SafeTensors.open(p));
                }
            } else {
                String hint = Files.exists(modelDir.resolve("pytorch_model.bin"))
                        ? " (pytorch_model.bin is not read: convert it to safetensors)" : "";
                throw new CheckpointFormatException(modelDir + ": no " + WEIGHTS_FILE + " or " + WEIGHTS_INDEX_FILE + hint);
            }
            return files;
        } catch (IOException | RuntimeException e) {
            for (SafeTensors f : files) f.close();
            throw e;
        }
    }

    /** Saves a causal LM with no extra tensors and no tokenizer, in float32. */
    public static void save(Path modelDir, LmConfig config, Map<String, NDArray> tensors) throws IOException {
        save(modelDir, config, tensors, Map.of(), null, TensorDType.F32);
    }

    /** Saves a causal LM, its extra tensors and its tokenizer (when not null), floating tensors in float32. */
    public static void save(Path modelDir, LmConfig config, Map<String, NDArray> tensors,
                            Map<String, NDArray> extraTensors, Tokenizer tokenizer) throws IOException {
        save(modelDir, config, tensors, extraTensors, tokenizer, TensorDType.F32);
    }

    /**
     * Saves a causal LM ({@code …ForCausalLM}, {@code GPT2LMHeadModel}). {@code tensors} must hold exactly the
     * {@link LmConfig#tensorShapes()} names with their shapes; {@code extraTensors} are stored under their own names,
     * which must not collide with parameter names or the ignored ones. A tokenizer replaces the tokenizer files
     * already in the directory.
     */
    public static void save(Path modelDir, LmConfig config, Map<String, NDArray> tensors,
                            Map<String, NDArray> extraTensors, Tokenizer tokenizer, TensorDType floatType)
            throws IOException {
        write(modelDir, config, config.tensorShapes(), tensors, extraTensors, tokenizer, floatType, false);
    }

    /**
     * Saves a reward or value model as transformers' {@code …ForSequenceClassification} with {@code num_labels} 1:
     * the trunk's parameters (no LM head), then {@code head} ({@code score.weight} [1, d], and {@code score.bias} [1],
     * which transformers' classifier does not have: it ignores that tensor, with a warning, so a model loaded there
     * scores without the bias, i.e. without the normalisation offset folded into it).
     */
    public static void saveSequenceClassifier(Path modelDir, LmConfig config, Map<String, NDArray> trunk,
                                              Map<String, NDArray> head, Tokenizer tokenizer) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>(config.tensorShapes());
        if (config.lmHeadTensor() != null) shapes.remove(config.lmHeadTensor());
        Map<String, NDArray> t = new LinkedHashMap<>(trunk);
        if (config.lmHeadTensor() != null) t.remove(config.lmHeadTensor());
        write(modelDir, config, shapes, t, head, tokenizer, TensorDType.F32, true);
    }

    private static void write(Path modelDir, LmConfig config, Map<String, long[]> shapes, Map<String, NDArray> tensors,
                              Map<String, NDArray> extraTensors, Tokenizer tokenizer, TensorDType floatType,
                              boolean sequenceClassification) throws IOException {
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            NDArray a = tensors.get(e.getKey());
            if (a == null) throw new IllegalArgumentException("missing tensor " + e.getKey());
            if (!Arrays.equals(a.getShape().getShape(), e.getValue())) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " has shape " + a.getShape()
                        + ", expected " + Arrays.toString(e.getValue()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("tensor " + name + " is not a parameter of this " + config.model_type()
                        + " config; pass it among the extra tensors");
            }
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : shapes.keySet()) out.put(config.storedName(name), tensors.get(name));
        for (Map.Entry<String, NDArray> e : extraTensors.entrySet()) {
            String name = e.getKey();
            String bare = config.modelName(name);
            if (config.tensorShapes().containsKey(bare) || config.isIgnored(bare) || out.containsKey(name)) {
                throw new IllegalArgumentException("extra tensor " + name + " collides with a parameter name");
            }
            out.put(name, e.getValue());
        }
        Files.createDirectories(modelDir);
        writeConfig(modelDir.resolve(CONFIG_FILE), config, floatType, sequenceClassification);
        SafeTensors.write(modelDir.resolve(WEIGHTS_FILE), out, SafeTensors.PT_METADATA, floatType);
        Files.deleteIfExists(modelDir.resolve(WEIGHTS_INDEX_FILE)); // a stale index would name shards we did not write
        if (tokenizer != null) Tokenizers.save(tokenizer, modelDir);
    }

    /** config.json: the family's fields, its architecture, the stored dtype and, for a classifier, one label. */
    private static void writeConfig(Path file, LmConfig config, TensorDType floatType, boolean sequenceClassification)
            throws IOException {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add(config.architecture(sequenceClassification));
        o.add("architectures", arch);
        config.toJson().entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        o.addProperty("torch_dtype", switch (floatType) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        });
        if (sequenceClassification) {                                   // num_labels 1, as transformers derives it
            JsonObject id2label = new JsonObject();
            id2label.addProperty("0", "LABEL_0");
            JsonObject label2id = new JsonObject();
            label2id.addProperty("LABEL_0", 0);
            o.add("id2label", id2label);
            o.add("label2id", label2id);
        }
        Files.writeString(file, GSON.toJson(o), StandardCharsets.UTF_8);
    }
}
