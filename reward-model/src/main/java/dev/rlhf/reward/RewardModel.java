package dev.rlhf.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A reward model: a GPT-2 trunk and a scalar head read at the last real token, r(x, y) = w·h_last + b.
 *
 * <p>On disk it is a Hugging Face GPT-2 directory whose {@code model.safetensors} also holds {@code score.weight}
 * [1, d] and {@code score.bias} [1], so the trunk loads anywhere a GPT-2 loads. The {@link Normalisation} that makes
 * reference summaries score 0 on average (and, optionally, with standard deviation 1) is folded into {@code score.bias}
 * (and {@code score.weight}): a loaded model scores normalised.
 */
public final class RewardModel implements AutoCloseable {

    private final GPT2 trunk;
    private final ScalarHead head;

    public RewardModel(GPT2 trunk, ScalarHead head) {
        this.trunk = trunk;
        this.head = head;
    }

    /** A reward model whose trunk is the checkpoint in {@code lmDir} (SFT or pretrained) and whose head is new. */
    public static RewardModel initFrom(Path lmDir, NDManager manager, long seed) throws IOException {
        GPT2 trunk = HfCheckpoint.loadModel(lmDir, manager);
        return new RewardModel(trunk, new ScalarHead(trunk.config().n_embd(), manager, seed));
    }

    /** A reward model trained from scratch (tests, demos): a randomly initialised trunk and a new head. */
    public static RewardModel fromScratch(GPT2Config config, NDManager manager, long seed) {
        return new RewardModel(new GPT2(config, manager, seed), new ScalarHead(config.n_embd(), manager, seed + 1));
    }

    /** Loads a reward-model directory; one without {@code score.weight} is refused by name. */
    public static RewardModel load(Path dir, NDManager manager) throws IOException {
        try (NDManager io = manager.newSubManager()) {
            HfCheckpoint ckpt = HfCheckpoint.load(dir, io);
            if (!ckpt.extraTensors().containsKey(ScalarHead.WEIGHT)) {
                throw new IOException(dir + " is not a reward model: tensor " + ScalarHead.WEIGHT + " is missing");
            }
            GPT2 trunk = GPT2.fromTensors(ckpt.config(), ckpt.tensors(), manager);
            return new RewardModel(trunk, ScalarHead.fromTensors(ckpt.extraTensors(), manager));
        }
    }

    /**
     * Writes the trunk, the head and (if given) the tokenizer as a Hugging Face directory. A {@value
     * RewardModelMetadata#FILE} left from an earlier save is removed, since it would describe other weights.
     */
    public void save(Path dir, Tokenizer tokenizer) throws IOException {
        HfCheckpoint.save(dir, trunk.config(), trunk.namedTensors(), head.namedTensors(), tokenizer);
        java.nio.file.Files.deleteIfExists(dir.resolve(RewardModelMetadata.FILE));
    }

    /**
     * Writes the model as {@link #save(Path, Tokenizer)} does, and {@code metadata} as {@value RewardModelMetadata#FILE}
     * next to it (the normalisation offset already folded into {@code score.bias}, the training config and figures).
     */
    public void save(Path dir, Tokenizer tokenizer, RewardModelMetadata metadata) throws IOException {
        save(dir, tokenizer);
        metadata.write(dir);
    }

    /**
     * Folds a normalisation into the head: b ← b − offset, so every reward drops by {@code offset}
     * (r'(x, y) = r(x, y) − offset); with offset = the mean reward of the reference summaries they score 0 on average.
     */
    public void subtractFromBias(double offset) {
        NDArray bias = head.namedTensors().get(ScalarHead.BIAS);
        try (NDArray b = Constants.scalar(bias, offset)) {
            bias.subi(b);
        }
    }

    /**
     * Folds a gain into the head: w ← g·w and b ← g·b, so every reward is multiplied by {@code gain}
     * (r'(x, y) = g·r(x, y)). Outside any gradient collector, as {@link #subtractFromBias}.
     */
    public void scaleHead(double gain) {
        for (NDArray p : head.namedTensors().values()) {
            try (NDArray g = Constants.scalar(p, gain)) {
                p.muli(g);
            }
        }
    }

    /** The current {@code score.bias}. */
    public double bias() {
        return head.namedTensors().get(ScalarHead.BIAS).getFloat(0);
    }

    public GPT2Config config() {
        return trunk.config();
    }

    /** The manager that owns the trunk's parameters (step sub-managers and the optimizer hang off it). */
    public NDManager manager() {
        return trunk.manager();
    }

    /**
     * r for each row: ids [B, T], attentionMask [B, T] (1 real, 0 padding, left or right) → [B], in the manager
     * of {@code ids}. Differentiable inside a gradient collector.
     */
    public NDArray rewards(NDArray ids, NDArray attentionMask) {
        return head.atLastToken(trunk.hidden(ids, attentionMask, null, null), attentionMask);
    }

    /** Every trainable array: the trunk's, then the head's. */
    public List<NDArray> parameters() {
        List<NDArray> p = new ArrayList<>(trunk.namedTensors().values());
        p.addAll(head.namedTensors().values());
        return p;
    }

    /** Every trainable array by its checkpoint name (the trunk's names, then {@code score.weight}, {@code score.bias}). */
    public java.util.Map<String, NDArray> namedParameters() {
        java.util.Map<String, NDArray> p = new java.util.LinkedHashMap<>(trunk.namedTensors());
        p.putAll(head.namedTensors());
        return p;
    }

    public GPT2 trunk() {
        return trunk;
    }

    public ScalarHead head() {
        return head;
    }

    @Override
    public void close() {
        head.close();
        trunk.close();
    }
}
