package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.AdamW;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.TrainingState;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A PPO checkpoint, {@code checkpoint-NNNNNN/} (N = iterations completed):
 * <pre>
 *   policy/                  Hugging Face model directory (config.json, model.safetensors, tokenizer file)
 *   value/                   the value network, laid out as a reward model (…ForSequenceClassification: trunk + score.weight / score.bias)
 *   optimizer.safetensors    AdamW state ({@link AdamW#save}): policy.NAME.exp_avg, policy.NAME.exp_avg_sq,
 *                            value.NAME.… (float32), the optimizer step count in the metadata
 *   trainer_state.json       iteration, β, seed (every random draw of iteration i is seeded from
 *                            (seed, i), so these two are the generator state), and the config
 * </pre>
 * It is written into {@code checkpoint-NNNNNN.tmp/} and renamed when complete, so a run killed while saving leaves
 * the previous checkpoint as the latest.
 */
public final class PpoCheckpoint {

    public static final String STATE_FILE = TrainingState.STATE_FILE;
    public static final String OPTIMIZER_FILE = TrainingState.OPTIMIZER_FILE;
    public static final String POLICY_DIR = "policy";
    public static final String VALUE_DIR = "value";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** What a checkpoint restores besides tensors. */
    public record State(int iteration, double beta, long seed) {}

    private PpoCheckpoint() {}

    static Path save(Path dir, int iteration, double beta, AdamW optimizer, Map<String, NDArray> params, CausalLm policy,
                     ValueModel value, Tokenizer tokenizer, PpoConfig config) throws IOException {
        String name = String.format("checkpoint-%06d", iteration);
        Path target = dir.resolve(name), tmp = dir.resolve(name + ".tmp");
        TrainingState.delete(tmp);
        Files.createDirectories(tmp);
        HfCheckpoint.save(tmp.resolve(POLICY_DIR), policy.config(), policy.namedTensors(), Map.of(), tokenizer);
        value.save(tmp.resolve(VALUE_DIR), tokenizer);
        optimizer.save(tmp.resolve(OPTIMIZER_FILE), params);
        JsonObject state = new JsonObject();
        state.addProperty("iteration", iteration);
        state.addProperty("beta", beta);
        state.addProperty("seed", config.seed());
        state.add("config", GSON.toJsonTree(config.asMap()));
        Files.writeString(tmp.resolve(STATE_FILE), GSON.toJson(state), StandardCharsets.UTF_8);
        TrainingState.delete(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The checkpoint with the most iterations under {@code dir}, if any complete one exists. */
    public static Optional<Path> latest(Path dir) throws IOException {
        return TrainingState.latest(dir);
    }

    /** Reads the state file of a checkpoint. */
    public static State readState(Path checkpoint) throws IOException {
        Path f = checkpoint.resolve(STATE_FILE);
        if (!Files.isRegularFile(f)) throw new IOException(checkpoint + ": no " + STATE_FILE + " (not a PPO checkpoint)");
        JsonObject o = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
        for (String k : new String[] {"iteration", "beta", "seed"}) {
            if (!o.has(k)) throw new IOException(f + ": field \"" + k + "\" is missing");
        }
        return new State(o.get("iteration").getAsInt(), o.get("beta").getAsDouble(), o.get("seed").getAsLong());
    }

    /** Copies the checkpoint's weights into the live parameters and restores the optimizer; returns the state. */
    static State restore(Path checkpoint, AdamW optimizer, Map<String, NDArray> params, NDManager manager)
            throws IOException {
        State state = readState(checkpoint);
        try (NDManager io = manager.newSubManager()) {
            Map<String, NDArray> saved = new LinkedHashMap<>();
            HfCheckpoint p = HfCheckpoint.load(checkpoint.resolve(POLICY_DIR), io);
            p.tensors().forEach((k, v) -> saved.put("policy." + k, v));
            HfCheckpoint v = HfCheckpoint.load(checkpoint.resolve(VALUE_DIR), io);
            v.tensors().forEach((k, t) -> saved.put("value." + k, t));
            for (String k : new String[] {ScalarHead.WEIGHT, ScalarHead.BIAS}) {
                NDArray t = v.extraTensors().get(k);
                if (t != null) saved.put("value." + k, t);
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                String name = e.getKey();
                NDArray live = e.getValue(), src = saved.get(name);
                if (src == null) throw new IOException(checkpoint + ": tensor " + name + " is missing");
                if (!src.getShape().equals(live.getShape())) {
                    throw new IOException(checkpoint + ": tensor " + name + " has shape " + src.getShape()
                            + ", the model has " + live.getShape());
                }
                live.set(src.toByteBuffer());                                 // in place: the optimizer keys on identity
            }
        }
        optimizer.load(checkpoint.resolve(OPTIMIZER_FILE), params);
        return state;
    }
}
