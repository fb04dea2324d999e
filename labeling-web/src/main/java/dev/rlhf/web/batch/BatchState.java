package dev.rlhf.web.batch;

/** Only OPEN batches hand out work. */
public enum BatchState {
    DRAFT, OPEN, PAUSED, CLOSED
}
