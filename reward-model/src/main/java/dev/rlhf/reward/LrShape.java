package dev.rlhf.reward;

/** The decay after warm-up. */
public enum LrShape {
    COSINE, LINEAR, CONSTANT
}
