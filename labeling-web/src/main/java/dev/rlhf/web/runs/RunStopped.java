package dev.rlhf.web.runs;

/** Thrown inside a training step when the run must stop: it was cancelled, or its worker is going away. */
public class RunStopped extends RuntimeException {
    public RunStopped(String message) {
        super(message);
    }
}
