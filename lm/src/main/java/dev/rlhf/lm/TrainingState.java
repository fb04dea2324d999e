package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a trainer needs besides the weights to go on exactly where it stopped, written next to them in a checkpoint
 * directory: {@value #OPTIMIZER_FILE} (the AdamW moments and step count, {@link AdamW#save}) and {@value #STATE_FILE}
 * ({@code {"step": N}}, the optimizer steps the trainer has taken, skipped ones included; with the config's seed it
 * fixes the learning rate and the data order of every later step).
 */
public final class TrainingState {

    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");

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

    /**
     * The sub-directory {@code checkpoint-N} of {@code dir} with the largest N that holds a training state (written
     * last, so the checkpoint is complete), if any.
     */
    public static Optional<Path> latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches())
                    .filter(TrainingState::exists)
                    .max(Comparator.comparingLong(TrainingState::numberOf));
        }
    }

    private static long numberOf(Path checkpoint) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Deletes a checkpoint directory and everything in it (nothing when it does not exist). */
    public static void delete(Path checkpoint) throws IOException {
        if (!Files.exists(checkpoint)) return;
        try (Stream<Path> s = Files.walk(checkpoint)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
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
