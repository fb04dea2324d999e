package dev.rlhf.ppo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rlhf.lm.Constants;
import dev.rlhf.reward.RewardModel;

/**
 * Scores query + response with a frozen {@link RewardModel} (normalised scores, read at the last real token), in
 * chunks of {@code batchSize} rows, right-padded, without gradients, each chunk in its own sub-manager.
 */
public final class RewardModelFunction implements RewardFunction {

    private final RewardModel model;
    private final int batchSize;

    public RewardModelFunction(RewardModel model, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        this.model = model;
        this.batchSize = batchSize;
    }

    @Override
    public float[] score(int[][] queries, int[][] responses) {
        int rows = queries.length;
        float[] out = new float[rows];
        int nPositions = model.trunk().config().max_position_embeddings();
        for (int from = 0; from < rows; from += batchSize) {
            int to = Math.min(rows, from + batchSize), b = to - from, len = 0;
            for (int r = from; r < to; r++) len = Math.max(len, queries[r].length + responses[r].length);
            if (len > nPositions) {
                throw new IllegalArgumentException("query + response of " + len + " tokens exceeds the reward model's"
                        + " n_positions " + nPositions);
            }
            int[] ids = new int[b * len], mask = new int[b * len];
            for (int r = from; r < to; r++) {
                int o = (r - from) * len;
                System.arraycopy(queries[r], 0, ids, o, queries[r].length);
                System.arraycopy(responses[r], 0, ids, o + queries[r].length, responses[r].length);
                java.util.Arrays.fill(mask, o, o + queries[r].length + responses[r].length, 1);
            }
            try (NDManager m = model.trunk().manager().newSubManager()) {
                float[] s = model.rewards(Constants.ints(m, ids, new Shape(b, len)), Constants.ints(m, mask, new Shape(b, len)))
                        .toFloatArray();
                System.arraycopy(s, 0, out, from, b);
            }
        }
        return out;
    }
}
