package dev.rlhf.web.batch;

/** How a batch asks: pick the better of two summaries on a 9-point scale, or the best of four (Ziegler et al. 2019). */
public enum BatchMode {
    PAIRWISE(2), BEST_OF_4(4);

    private final int candidates;

    BatchMode(int candidates) {
        this.candidates = candidates;
    }

    public int candidates() {
        return candidates;
    }
}
