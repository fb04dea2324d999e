package dev.rlhf.reward;

/** Receives progress from {@link RewardTrainer} after every optimizer step. */
@FunctionalInterface
public interface RewardProgressListener {

    void onStep(RewardProgress progress);

    /** After the last step. */
    default void onEnd(RewardProgress last) {
    }

    RewardProgressListener NONE = p -> { };
}
