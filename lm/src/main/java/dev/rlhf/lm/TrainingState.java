package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a trainer needs besides the weights to go on exactly where it stopped, written next to them in a checkpoint
 * directory: {@value #OPTIMIZER_FILE} (the AdamW moments and step count, {@link AdamW#save}) and {@value #STATE_FILE}
 * ({@code {"step": N}}, the optimizer steps the trainer has taken, skipped ones included; with the config's seed it
 * fixes the learning rate and the data order of every later step).
 */
public final class TrainingState {

    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";

    private TrainingState() {}

    public static void save(Path dir, int step, AdamW optimizer, Map<String, NDArray> params) throws IOException {
        Files.createDirectories(dir);
        optimizer.save(dir.resolve(OPTIMIZER_FILE), params);
        JsonObject state = new JsonObject();
        state.addProperty("step", step);
        Files.writeString(dir.resolve(STATE_FILE), state.toString(), StandardCharsets.UTF_8);
    }

    /** Whether {@code dir} holds a training state (older checkpoints hold weights only). */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE_FILE)) && Files.isRegularFile(dir.resolve(OPTIMIZER_FILE));
    }

    /** Restores the optimizer from {@code dir} and returns the step to go on from. */
    public static int load(Path dir, AdamW optimizer, Map<String, NDArray> params) throws IOException {
        Path f = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(f)) throw new IOException(dir + ": no " + STATE_FILE + " (no training state)");
        JsonObject o = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
        if (!o.has("step")) throw new IOException(f + ": field \"step\" is missing");
        int step = o.get("step").getAsInt();
        if (step < 0) throw new IOException(f + ": step " + step + " is negative");
        optimizer.load(dir.resolve(OPTIMIZER_FILE), params);
        return step;
    }
}
