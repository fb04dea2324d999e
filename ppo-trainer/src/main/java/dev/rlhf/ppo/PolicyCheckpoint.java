package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.rlhf.lm.AdamW;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.TrainingState;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The checkpoint of a trainer that trains one policy and nothing else (DPO, RLOO), {@code checkpoint-NNNNNN/}
 * (N = steps or iterations completed): the policy as a Hugging Face directory, and beside it
 * {@value TrainingState#OPTIMIZER_FILE} (the AdamW moments) and {@value TrainingState#STATE_FILE}
 * ({@code {"step": N, "config": {…}}}; with the config's seed, N fixes every later random draw). Written into
 * {@code checkpoint-NNNNNN.tmp/} and renamed when complete, so a run killed while saving keeps the previous one.
 */
public final class PolicyCheckpoint {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private PolicyCheckpoint() {}

    public static Path save(Path dir, int step, AdamW optimizer, CausalLm policy, Tokenizer tokenizer,
                            Map<String, Object> config) throws IOException {
        String name = String.format("checkpoint-%06d", step);
        Path target = dir.resolve(name), tmp = dir.resolve(name + ".tmp");
        TrainingState.delete(tmp);
        HfCheckpoint.save(tmp, policy.config(), policy.namedTensors(), Map.of(), tokenizer);
        optimizer.save(tmp.resolve(TrainingState.OPTIMIZER_FILE), policy.namedTensors());
        JsonObject state = new JsonObject();
        state.addProperty("step", step);
        state.add("config", GSON.toJsonTree(config));
        Files.writeString(tmp.resolve(TrainingState.STATE_FILE), GSON.toJson(state), StandardCharsets.UTF_8);
        TrainingState.delete(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Copies the checkpoint's weights into the live policy (in place) and restores the optimizer; returns N. */
    public static int restore(Path checkpoint, AdamW optimizer, CausalLm policy) throws IOException {
        Map<String, NDArray> live = policy.namedTensors();
        try (NDManager io = policy.manager().newSubManager()) {
            Map<String, NDArray> saved = HfCheckpoint.load(checkpoint, io).tensors();
            for (Map.Entry<String, NDArray> e : live.entrySet()) {
                NDArray src = saved.get(e.getKey());
                if (src == null) throw new IOException(checkpoint + ": tensor " + e.getKey() + " is missing");
                if (!src.getShape().equals(e.getValue().getShape())) {
                    throw new IOException(checkpoint + ": tensor " + e.getKey() + " has shape " + src.getShape()
                            + ", the model has " + e.getValue().getShape());
                }
                e.getValue().set(src.toByteBuffer());                      // in place: the optimizer keys on identity
            }
        }
        return TrainingState.load(checkpoint, optimizer, live);
    }
}
