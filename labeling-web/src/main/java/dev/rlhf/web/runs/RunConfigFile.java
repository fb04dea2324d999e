package dev.rlhf.web.runs;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code run-config.json} in the run's directory, beside its checkpoints: the run's kind, name, inputs and its
 * resolved config (every field, defaults filled in, as the launcher stored it), so a model directory says how it was
 * made without the database. (Not {@code config.json}: that is the Hugging Face model's.)
 */
public final class RunConfigFile {
    public static final String NAME = "run-config.json";
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private RunConfigFile() {}

    public static Path write(Path runDir, Run run, JsonNode config) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("run", run.id());
        n.put("kind", run.kind());
        n.put("name", run.name());
        n.put("baseModelId", run.baseModelId());
        n.put("snapshotId", run.snapshotId());
        n.set("config", config);
        Files.createDirectories(runDir);
        Path file = runDir.resolve(NAME);
        Files.writeString(file, JSON.writeValueAsString(n) + "\n");
        return file;
    }

    public static JsonNode read(Path runDir) throws IOException {
        return JSON.readTree(runDir.resolve(NAME).toFile());
    }
}
