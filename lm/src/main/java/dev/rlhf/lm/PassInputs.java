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
 */
record PassInputs(NDArray attentionMask, NDArray positionIds, int t, int past) {

    /**
     * @param maxPositions     the model's context, named {@code contextName} in the error (the config field's name)
     */
    static PassInputs of(NDArray ids, NDArray attentionMask, NDArray positionIds, KvCache cache, int maxPositions,
                         String contextName) {
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
        if (positionIds == null) positionIds = CausalLm.positionIds(attentionMask).get(":, {}:", past);
        return new PassInputs(attentionMask, positionIds, t, past);
    }
}
