package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What every family's {@code hidden} pass starts from, checked once: the attention mask over past + T positions (all
 * ones when none is given), the position ids of the T new tokens (cumsum(mask) − 1 when none are given), and the
 * lengths. A mask of the wrong width or a sequence longer than the model's context is refused with both numbers.
 *
 * @param t    the new tokens of this call
 * @param past the cached positions before them (0 for a full pass)
 * @param from the first of the T positions whose hidden state the pass returns
 */
record PassInputs(NDArray attentionMask, NDArray positionIds, int t, int past, int from) {

    /**
     * @param maxPositions     the model's context, named {@code contextName} in the error (the config field's name)
     */
    static PassInputs of(NDArray ids, NDArray attentionMask, NDArray positionIds, KvCache cache, int from,
                         int maxPositions, String contextName) {
        NDManager m = ids.getManager();
        long b = ids.getShape().get(0);
        int t = Math.toIntExact(ids.getShape().get(1));
        int past = cache == null ? 0 : cache.length();
        if (attentionMask == null) attentionMask = m.ones(new Shape(b, past + t), DataType.INT64);
        if (attentionMask.getShape().get(1) != past + t) {
            throw new IllegalArgumentException("attention mask covers " + attentionMask.getShape().get(1)
                    + " positions, expected past + T = " + (past + t));
        }
        if (past + t > maxPositions) {
            throw new IllegalArgumentException("sequence of " + (past + t) + " exceeds " + contextName + " " + maxPositions);
        }
        if (from < 0 || from >= t) throw new IllegalArgumentException("from " + from + " is outside the " + t + " positions of this pass");
        if (positionIds == null) positionIds = CausalLm.positionIds(attentionMask).get(":, {}:", past);
        return new PassInputs(attentionMask, positionIds, t, past, from);
    }

    /** The first position whose query layer {@code index} of {@code layers} computes: {@code from} for the last, 0 before. */
    int firstQuery(int index, int layers) {
        return index == layers - 1 ? from : 0;
    }

    /** Positions {@code from} … of a [B, T, …] activation: the residual stream a layer keeps (itself for 0). */
    static NDArray rows(NDArray x, int from) {
        return from == 0 ? x : x.get(":, {}:", from);
    }
}
