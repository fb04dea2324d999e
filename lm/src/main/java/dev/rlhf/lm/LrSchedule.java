package dev.rlhf.lm;

/** Linear warm-up to the peak learning rate, then cosine decay to {@code minLr} at {@code totalSteps}. */
public record LrSchedule(double peakLr, double minLr, int warmupSteps, int totalSteps) {

    /** The learning rate of optimizer step {@code step} (0-based). */
    public double at(int step) {
        if (step < warmupSteps) return peakLr * (step + 1) / warmupSteps;             // lr·(s+1)/warmup
        if (step >= totalSteps) return minLr;
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress));   // cosine from peak to min
    }
}
