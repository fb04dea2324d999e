package dev.rlhf.reward;

/** Linear warm-up to {@code peak}, then cosine, linear or no decay to {@code min} at {@code totalSteps}. */
public record WarmupDecay(double peak, double min, int warmupSteps, int totalSteps, LrShape shape) {

    /** The learning rate of optimizer step {@code step} (0-based). */
    public double at(int step) {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;                // peak·(s+1)/warmup
        if (shape == LrShape.CONSTANT) return peak;
        if (step >= totalSteps) return min;
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (shape) {
            case COSINE -> min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress)); // cosine peak → min
            case LINEAR -> peak + (min - peak) * progress;                                  // straight line peak → min
            case CONSTANT -> peak;
        };
    }
}
