package dev.rlhf.web.models;

import dev.rlhf.lm.LmConfig;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.io.SafeTensors;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.tokenizer.HfTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * What a model's Hugging Face directory says about it: the shape from {@code config.json}, the tokenizer file, and the
 * parameters counted from the {@code model.safetensors} header (element counts of every stored tensor). A fact that
 * cannot be read is null, with the reason in {@code problem}.
 */
public record ModelDirectory(Path path, boolean exists, LmConfig config, String configProblem, String tokenizer,
                             boolean byteLevel, Long parameters, String dtypes, boolean scoreHead, String weightsProblem) {

    public static ModelDirectory read(String path) {
        Path dir;
        try {
            dir = Path.of(path);
        } catch (java.nio.file.InvalidPathException e) {
            dir = null;
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return new ModelDirectory(dir, false, null, "the directory is not there", null, false, null, null, false,
                    "the directory is not there");
        }
        LmConfig config = null;
        String configProblem = null;
        try {
            config = LmConfig.read(dir.resolve(HfCheckpoint.CONFIG_FILE));
        } catch (IOException | RuntimeException e) {
            configProblem = HfCheckpoint.CONFIG_FILE + " could not be read (" + e.getMessage() + ")";
        }
        String tokenizer;
        boolean byteLevel = false;
        if (Files.isRegularFile(dir.resolve(HfTokenizer.FILE))) {
            tokenizer = "Hugging Face tokenizer (" + HfTokenizer.FILE + ")";
        } else if (Files.isRegularFile(dir.resolve(ByteTokenizer.MARKER_FILE))) {
            tokenizer = "byte-level: the " + ByteTokenizer.VOCAB_SIZE + " ids are the 256 UTF-8 byte values and end-of-text ("
                    + ByteTokenizer.MARKER_FILE + ")";
            byteLevel = true;
        } else {
            tokenizer = null;
        }
        Long parameters = null;
        String dtypes = null;
        boolean score = false;
        String weightsProblem = null;
        Path weights = dir.resolve(HfCheckpoint.WEIGHTS_FILE);
        if (Files.isRegularFile(weights)) {
            try (SafeTensors st = SafeTensors.open(weights)) {
                long n = 0;
                TreeSet<String> types = new TreeSet<>();
                for (SafeTensors.TensorInfo t : st.tensors().values()) {
                    n += t.elementCount();
                    types.add(t.dtype().name());
                }
                parameters = n;
                dtypes = String.join(", ", types);
                score = st.contains("score.weight");
            } catch (IOException | RuntimeException e) {
                weightsProblem = HfCheckpoint.WEIGHTS_FILE + " could not be read (" + e.getMessage() + ")";
            }
        } else if (Files.isRegularFile(dir.resolve(HfCheckpoint.WEIGHTS_INDEX_FILE))) {
            try {
                com.google.gson.JsonObject map = com.google.gson.JsonParser.parseString(Files.readString(
                        dir.resolve(HfCheckpoint.WEIGHTS_INDEX_FILE))).getAsJsonObject().getAsJsonObject("weight_map");
                long n = 0;
                TreeSet<String> types = new TreeSet<>();
                for (String shard : new TreeSet<>(map.entrySet().stream().map(e -> e.getValue().getAsString()).toList())) {
                    try (SafeTensors st = SafeTensors.open(dir.resolve(shard))) {
                        for (SafeTensors.TensorInfo t : st.tensors().values()) {
                            n += t.elementCount();
                            types.add(t.dtype().name());
                        }
                        score |= st.contains("score.weight");
                    }
                }
                parameters = n;
                dtypes = String.join(", ", types);
            } catch (IOException | RuntimeException e) {
                weightsProblem = HfCheckpoint.WEIGHTS_INDEX_FILE + " or a shard it lists could not be read (" + e.getMessage() + ")";
            }
        } else {
            weightsProblem = "no " + HfCheckpoint.WEIGHTS_FILE + " and no " + HfCheckpoint.WEIGHTS_INDEX_FILE;
        }
        return new ModelDirectory(dir, true, config, configProblem, tokenizer, byteLevel, parameters, dtypes, score,
                weightsProblem);
    }
}
