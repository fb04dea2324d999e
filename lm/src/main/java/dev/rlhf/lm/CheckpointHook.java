package dev.rlhf.lm;

/** Called by a trainer every N steps and at the end with the live model, to save it (the IO lives elsewhere). */
@FunctionalInterface
public interface CheckpointHook {

    void save(CausalLm model, int step) throws Exception;
}
