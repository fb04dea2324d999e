package dev.rlhf.ppo;

/**
 * Scores finished responses. The trainer calls it once per iteration with the whole batch; the reward model is one
 * implementation ({@link RewardModelFunction}), a known rule is another (tests).
 */
@FunctionalInterface
public interface RewardFunction {

    /**
     * @param queries   the prompt tokens of each row (unpadded)
     * @param responses the response tokens of each row, up to and including EOS when the policy emitted one
     * @return one score per row
     */
    float[] score(int[][] queries, int[][] responses);
}
