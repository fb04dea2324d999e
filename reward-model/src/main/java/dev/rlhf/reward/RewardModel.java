package dev.rlhf.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.LmConfig;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A reward model: a transformer trunk of any family and a scalar head read at the last real token,
 * r(x, y) = w·h_last + b.
 *
 * <p>On disk it is a Hugging Face directory laid out as transformers' {@code …ForSequenceClassification} with
 * {@code num_labels} 1 ({@code GPT2ForSequenceClassification}, {@code LlamaForSequenceClassification}…): the trunk's
 * tensors without an LM head, {@code score.weight} [1, d], and {@code score.bias} [1]. The {@link Normalisation} that
 * makes reference summaries score 0 on average (and, optionally, with standard deviation 1) is folded into
 * {@code score.bias} (and {@code score.weight}): a model loaded here scores normalised. transformers' classifier head
 * has no bias, so it drops {@code score.bias} (with a warning) and scores r + offset there; the offset is also recorded
 * in {@value RewardModelMetadata#FILE}.
 */
public final class RewardModel implements AutoCloseable {

    private final CausalLm trunk;
    private final ScalarHead head;

    public RewardModel(CausalLm trunk, ScalarHead head) {
        this.trunk = trunk;
        this.head = head;
    }

    /** A reward model whose trunk is the checkpoint in {@code lmDir} (SFT or pretrained) and whose head is new. */
    public static RewardModel initFrom(Path lmDir, NDManager manager, long seed) throws IOException {
        CausalLm trunk = HfCheckpoint.loadModel(lmDir, manager);
        return new RewardModel(trunk, new ScalarHead(trunk.config().hidden_size(), manager, seed));
    }

    /** A reward model trained from scratch (tests, demos): a randomly initialised trunk and a new head. */
    public static RewardModel fromScratch(LmConfig config, NDManager manager, long seed) {
        return new RewardModel(config.newModel(manager, seed), new ScalarHead(config.hidden_size(), manager, seed + 1));
    }

    /** Loads a reward-model directory; one without {@code score.weight} is refused by name. */
    public static RewardModel load(Path dir, NDManager manager) throws IOException {
        try (NDManager io = manager.newSubManager()) {
            HfCheckpoint ckpt = HfCheckpoint.load(dir, io);
            if (!ckpt.extraTensors().containsKey(ScalarHead.WEIGHT)) {
                throw new IOException(dir + " is not a reward model: tensor " + ScalarHead.WEIGHT + " is missing");
            }
            CausalLm trunk = ckpt.model(manager);
            return new RewardModel(trunk, ScalarHead.fromTensors(ckpt.extraTensors(), manager));
        }
    }

    /**
     * Writes the trunk, the head and (if given) the tokenizer as a Hugging Face directory. A {@value
     * RewardModelMetadata#FILE} left from an earlier save is removed, since it would describe other weights.
     */
    public void save(Path dir, Tokenizer tokenizer) throws IOException {
        HfCheckpoint.saveSequenceClassifier(dir, trunk.config(), trunk.trunkTensors(), head.namedTensors(), tokenizer);
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

    public LmConfig config() {
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
        // No row reads a position before the earliest last token, so the trunk's last layer starts there.
        int from = (int) ScalarHead.lastRealIndex(attentionMask).min().getLong();
        return head.atLastToken(trunk.hidden(ids, attentionMask, null, null, from), attentionMask);
    }

    /** Every trainable array: the trunk's (without an untied LM head, which a reward model never reads), then the head's. */
    public List<NDArray> parameters() {
        List<NDArray> p = new ArrayList<>(trunk.trunkTensors().values());
        p.addAll(head.namedTensors().values());
        return p;
    }

    /** Every trainable array by its checkpoint name (the trunk's names, then {@code score.weight}, {@code score.bias}). */
    public java.util.Map<String, NDArray> namedParameters() {
        java.util.Map<String, NDArray> p = new java.util.LinkedHashMap<>(trunk.trunkTensors());
        p.putAll(head.namedTensors());
        return p;
    }

    public CausalLm trunk() {
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
