package dev.rlhf.web.active;

/** How a SELECT_BATCH run chooses from the pool: the most disputed pairs, or pairs drawn at random (the baseline). */
public enum SelectionMethod { DISAGREEMENT, RANDOM }
