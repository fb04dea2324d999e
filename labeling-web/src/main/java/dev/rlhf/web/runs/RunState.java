package dev.rlhf.web.runs;

/** A run's place in the queue ({@code runs.state}). */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
