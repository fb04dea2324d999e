package dev.rlhf.lm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.tokenizer.Gpt2BpeTokenizer;
import dev.rlhf.lm.tokenizer.Tokenizer;

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
import java.util.regex.Pattern;

/**
 * A Hugging Face GPT-2 model directory: {@code config.json} and {@code model.safetensors} (or the shards listed in
 * {@code model.safetensors.index.json}), plus the tokenizer file when there is one.
 *
 * <p>Loading accepts tensor names with or without the {@code transformer.} prefix, ignores {@code lm_head.weight}
 * (tied to {@code wte.weight}) and the causal-mask buffers {@code h.{i}.attn.bias} / {@code h.{i}.attn.masked_bias},
 * and returns the GPT-2 tensors keyed by {@link GPT2Config#tensorShapes()} names, all float32, and any other tensor
 * (a reward model's {@code score.weight}, a value head) under its stored name in {@link #extraTensors()}. Names and
 * shapes are checked against the config before any tensor is read.
 *
 * <p>Saving writes what {@code GPT2LMHeadModel.save_pretrained} writes: {@code config.json} and a
 * {@code model.safetensors} whose names carry the {@code transformer.} prefix, with {@code {"format": "pt"}} metadata
 * and no {@code lm_head.weight} (tied), so Hugging Face transformers loads it; extra tensors follow under their own names.
 */
public record HfCheckpoint(GPT2Config config, Map<String, NDArray> tensors, Map<String, NDArray> extraTensors) {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String WEIGHTS_INDEX_FILE = "model.safetensors.index.json";
    public static final String PREFIX = "transformer.";

    private static final Pattern IGNORED = Pattern.compile("lm_head\\.weight|h\\.\\d+\\.attn\\.(bias|masked_bias)");

    public HfCheckpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        extraTensors = Collections.unmodifiableMap(new LinkedHashMap<>(extraTensors));
    }

    /**
     * A GPT-2 from a model directory, its parameters owned by {@code manager}; the file's tensors are read into a
     * scratch sub-manager and freed once copied (extra tensors such as a score head are ignored).
     */
    public static GPT2 loadModel(Path modelDir, NDManager manager) throws IOException {
        try (NDManager io = manager.newSubManager()) {
            HfCheckpoint c = load(modelDir, io);
            return GPT2.fromTensors(c.config(), c.tensors(), manager);
        }
    }

    /** Loads a model directory; every tensor is created in {@code manager}. */
    public static HfCheckpoint load(Path modelDir, NDManager manager) throws IOException {
        Path configFile = modelDir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointFormatException(modelDir + ": no " + CONFIG_FILE + " (not a Hugging Face model directory)");
        }
        GPT2Config config;
        try {
            config = GPT2Config.read(configFile);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(e.getMessage(), e);
        }
        List<SafeTensors> files = openWeights(modelDir);
        try {
            Map<String, long[]> shapes = config.tensorShapes();
            Map<String, Source> gpt2 = new LinkedHashMap<>();
            Map<String, Source> extra = new LinkedHashMap<>();
            for (SafeTensors file : files) {
                for (SafeTensors.TensorInfo t : file.tensors().values()) {
                    String stored = t.name();
                    String name = stored.startsWith(PREFIX) ? stored.substring(PREFIX.length()) : stored;
                    Source source = new Source(file, t);
                    if (shapes.containsKey(name)) {
                        Source previous = gpt2.put(name, source);
                        if (previous != null) {
                            throw new CheckpointFormatException(file.file() + ": tensor " + name + " is stored twice, as "
                                    + previous.info().name() + " and " + stored);
                        }
                    } else if (!IGNORED.matcher(name).matches()) {
                        extra.put(stored, source);
                    }
                }
            }
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                Source s = gpt2.get(e.getKey());
                String where = files.size() == 1 ? files.get(0).file().toString() : modelDir.toString();
                if (s == null) throw new CheckpointFormatException(where + ": missing tensor " + e.getKey());
                if (!Arrays.equals(s.info().shape(), e.getValue())) {
                    throw new CheckpointFormatException(s.file().file() + ": tensor " + e.getKey() + " has shape "
                            + Arrays.toString(s.info().shape()) + ", expected " + Arrays.toString(e.getValue())
                            + " for " + configFile.getFileName() + " (n_embd " + config.n_embd() + ", vocab_size "
                            + config.vocab_size() + ", n_positions " + config.n_positions() + ")");
                }
                if (!s.info().dtype().isFloating()) {
                    throw new CheckpointFormatException(s.file().file() + ": tensor " + e.getKey() + " has dtype "
                            + s.info().dtype() + ", expected a floating type");
                }
            }
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            Map<String, NDArray> extraTensors = new LinkedHashMap<>();
            try {
                for (String name : shapes.keySet()) {
                    Source s = gpt2.get(name);
                    tensors.put(name, s.file().load(s.info().name(), manager));
                }
                for (Map.Entry<String, Source> e : extra.entrySet()) {
                    extraTensors.put(e.getKey(), e.getValue().file().load(e.getKey(), manager));
                }
            } catch (IOException | RuntimeException e) {
                tensors.values().forEach(NDArray::close);
                extraTensors.values().forEach(NDArray::close);
                throw e;
            }
            return new HfCheckpoint(config, tensors, extraTensors);
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

    /** Saves a GPT-2 with no extra tensors and no tokenizer, in float32. */
    public static void save(Path modelDir, GPT2Config config, Map<String, NDArray> tensors) throws IOException {
        save(modelDir, config, tensors, Map.of(), null, TensorDType.F32);
    }

    /** Saves a GPT-2, its extra tensors and its tokenizer (when not null), floating tensors in float32. */
    public static void save(Path modelDir, GPT2Config config, Map<String, NDArray> tensors,
                            Map<String, NDArray> extraTensors, Tokenizer tokenizer) throws IOException {
        save(modelDir, config, tensors, extraTensors, tokenizer, TensorDType.F32);
    }

    /**
     * Saves a model directory. {@code tensors} must hold exactly the {@link GPT2Config#tensorShapes()} names with
     * their shapes; {@code extraTensors} are stored under their own names, which must not collide with GPT-2 names or
     * the ignored ones. A tokenizer replaces any tokenizer file already in the directory.
     */
    public static void save(Path modelDir, GPT2Config config, Map<String, NDArray> tensors,
                            Map<String, NDArray> extraTensors, Tokenizer tokenizer, TensorDType floatType)
            throws IOException {
        Map<String, long[]> shapes = config.tensorShapes();
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
                throw new IllegalArgumentException("tensor " + name + " is not a GPT-2 tensor of this config;"
                        + " pass it among the extra tensors");
            }
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : shapes.keySet()) out.put(PREFIX + name, tensors.get(name));
        for (Map.Entry<String, NDArray> e : extraTensors.entrySet()) {
            String name = e.getKey();
            String bare = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
            if (shapes.containsKey(bare) || IGNORED.matcher(bare).matches()) {
                throw new IllegalArgumentException("extra tensor " + name + " collides with a GPT-2 tensor name");
            }
            out.put(name, e.getValue());
        }
        Files.createDirectories(modelDir);
        config.write(modelDir.resolve(CONFIG_FILE));
        SafeTensors.write(modelDir.resolve(WEIGHTS_FILE), out, SafeTensors.PT_METADATA, floatType);
        Files.deleteIfExists(modelDir.resolve(WEIGHTS_INDEX_FILE)); // a stale index would name shards we did not write
        if (tokenizer != null) {
            Path bpe = modelDir.resolve(Gpt2BpeTokenizer.FILE);
            if (!(tokenizer instanceof Gpt2BpeTokenizer)) Files.deleteIfExists(bpe);
            Files.deleteIfExists(modelDir.resolve(ByteTokenizer.MARKER_FILE));
            tokenizer.save(modelDir);
        }
    }
}
