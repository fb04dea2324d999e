package dev.rlhf.reward;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small json ({@value #FILE}) stored next to a reward model's weights: the normalisation (already folded into
 * {@code score.bias}), where the trunk came from, the training config and the training figures.
 *
 * @param normalization the offset subtracted from {@code score.bias}, and the reference set it was measured on
 * @param trunkInit     "scratch" or the checkpoint directory the trunk was initialised from
 * @param config        the training hyperparameters; may be null
 * @param training      the training figures; may be null
 */
public record RewardModelMetadata(Normalisation normalization, String trunkInit, RewardConfig config,
                                  TrainingSummary training) {

    public static final String FILE = "reward_model.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FILE), GSON.toJson(this), StandardCharsets.UTF_8);
    }

    /** Reads {@value #FILE} of a model directory; a missing or unreadable file is refused by name. */
    public static RewardModelMetadata read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IOException(dir + ": no " + FILE + " (not a trained reward model)");
        try {
            return GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), RewardModelMetadata.class);
        } catch (JsonParseException e) {
            throw new IOException(f + ": not a reward-model metadata file: " + e.getMessage(), e);
        }
    }
}
