package dev.rlhf.lm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoder-only transformer of any supported family ({@link GPT2}, {@link Llama} for llama/qwen2/mistral,
 * {@link GPTNeoX}): what SFT, the reward and value models, PPO, sampling and evaluation use.
 *
 * <p>Parameters are plain arrays named as in the Hugging Face checkpoint. Every forward result belongs to the manager
 * of the token ids passed in; gradients are recorded only inside a {@code GradientCollector}.
 */
public interface CausalLm extends AutoCloseable {

    LmConfig config();

    /** The manager that owns the parameters. */
    NDManager manager();

    default Device device() {
        return manager().getDevice();
    }

    /** Hugging Face name → live parameter, in {@code tensorShapes()} order (without the LM head of a headless model). */
    Map<String, NDArray> namedTensors();

    /**
     * Final hidden states [B, T, d] after the last norm.
     *
     * @param ids           token ids [B, T]
     * @param attentionMask [B, past + T], 1 real, 0 (left) padding, covering the cached prefix; null means all real
     * @param positionIds   [B, T]; null means cumsum(mask) − 1 (positions that skip left padding)
     * @param cache         keys/values of the prefix, extended by this call; null for a full pass
     */
    default NDArray hidden(NDArray ids, NDArray attentionMask, NDArray positionIds, KvCache cache) {
        return hidden(ids, attentionMask, positionIds, cache, 0);
    }

    /**
     * Final hidden states [B, T − from, d] of the positions {@code from} … T − 1 of this call only: the same numbers as
     * those rows of the full result, for a pass that reads no earlier position (the response positions of PPO, the
     * last token of a prompt or a scored sequence). Every layer but the last still runs at every position, since later
     * positions attend to their keys and values; the last layer computes its queries' attention, its output
     * projection and its MLP only at the kept positions (its keys and values, and the cache, cover them all).
     *
     * @param from the first position kept, 0 ≤ from &lt; T (0: every position)
     */
    NDArray hidden(NDArray ids, NDArray attentionMask, NDArray positionIds, KvCache cache, int from);

    /** The output projection [V, d] (nn.Linear layout): the tied embedding or the model's own head. */
    NDArray outputEmbedding();

    /** The type of the parameters, and so of the activations: float32, or a half type for a mixed-precision copy. */
    default DataType dataType() {
        return outputEmbedding().getDataType();
    }

    /** Next-token logits [B, T, V]. */
    default NDArray logits(NDArray ids, NDArray attentionMask, NDArray positionIds, KvCache cache) {
        return LmHead.logits(this, hidden(ids, attentionMask, positionIds, cache));
    }

    /** Full pass over unpadded sequences [B, T]. */
    default NDArray logits(NDArray ids) {
        return logits(ids, null, null, null);
    }

    /**
     * The parameters a reward or value model trains: every one but an untied LM head, which such a model never
     * reads (and which a {@code …ForSequenceClassification} checkpoint does not hold).
     */
    default Map<String, NDArray> trunkTensors() {
        String head = config().lmHeadTensor();
        Map<String, NDArray> out = new LinkedHashMap<>(namedTensors());
        if (head != null) out.remove(head);
        return out;
    }

    /** An independent float32 copy of the weights in {@code manager}. */
    default CausalLm copy(NDManager manager) {
        return config().fromTensors(namedTensors(), manager, DataType.FLOAT32);
    }

    /** pos = max(cumsum(mask) − 1, 0): each real token's index among the real tokens of its row. */
    static NDArray positionIds(NDArray attentionMask) {
        NDArray mask = attentionMask.toType(DataType.INT64, false);
        return mask.cumSum(1).sub(Constants.scalar(mask, 1)).maximum(Constants.scalar(mask, 0));
    }

    @Override
    void close();
}
