package dev.rlhf.web.models;

import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model the researcher brings: an existing Hugging Face directory on the models volume (any family the platform
 * loads), registered without a run so that runs can start from it. The directory must lie inside the models
 * directory, hold a readable {@code config.json}, weights (single file or shards) and a tokenizer; its card is written
 * to {@code README.md} only where the directory has none (a downloaded model's own card is kept; the platform's is
 * always at {@code /research/models/ID/card.md}).
 */
@Component
public record ModelRegistration(ModelRegistry registry, ModelReadme readme, ModelsDirectory directory) {
    /** The kinds a brought model may be registered as. */
    public static final List<String> KINDS = List.of("BASE", ModelKinds.SFT, ModelKinds.REWARD_MODEL, ModelKinds.POLICY);

    /** The registered model's id, or the refused fields (nothing registered). */
    public record Result(Long id, Map<String, String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public Path modelsDir() {
        return directory.path();
    }

    /** Registers {@code path} (absolute, or relative to the models directory) as a model named {@code name}. */
    public Result register(String name, String kind, String path) {
        Map<String, String> errors = new LinkedHashMap<>();
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) errors.put("name", "is required");
        else if (n.length() > 128) errors.put("name", "must be at most 128 characters");
        String k = kind == null || kind.isBlank() ? "BASE" : kind.strip();
        if (!KINDS.contains(k)) errors.put("kind", "must be one of " + String.join(", ", KINDS) + ", was " + k);
        Path dir = null;
        if (path == null || path.isBlank()) {
            errors.put("path", "is required: a Hugging Face model directory inside " + modelsDir());
        } else {
            dir = modelsDir().resolve(path.strip()).toAbsolutePath().normalize();
            errors.putAll(checkDirectory(dir));
        }
        if (!errors.isEmpty()) return new Result(null, errors);
        long id = registry.register(n, k, dir.toString(), null, null, null, "{}");
        if (!Files.exists(dir.resolve(ModelReadme.FILE))) readme.write(registry.find(id).orElseThrow());
        return new Result(id, Map.of());
    }

    private Map<String, String> checkDirectory(Path dir) {
        if (!Files.isDirectory(dir)) return Map.of("path", "no directory " + dir);
        try {
            if (!Files.isDirectory(modelsDir()) || !dir.toRealPath().startsWith(modelsDir().toRealPath())) {
                return Map.of("path", "must be inside the models directory " + modelsDir() + ", was " + dir);
            }
        } catch (IOException e) {
            return Map.of("path", dir + " could not be resolved (" + e.getMessage() + ")");
        }
        ModelDirectory d = ModelDirectory.read(dir.toString());
        if (d.config() == null) return Map.of("path", d.configProblem());
        if (d.parameters() == null) return Map.of("path", d.weightsProblem());
        if (d.tokenizer() == null) return Map.of("path", "no tokenizer file (tokenizer.json) in " + dir);
        try {
            Tokenizer t = Tokenizers.load(dir);
            if (t instanceof AutoCloseable c) c.close();
        } catch (Exception e) {
            return Map.of("path", "the tokenizer of " + dir + " could not be read (" + e.getMessage() + ")");
        }
        return Map.of();
    }
}
