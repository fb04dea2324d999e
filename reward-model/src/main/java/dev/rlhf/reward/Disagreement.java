package dev.rlhf.reward;

/**
 * How much ensemble members disagree on one pair (A, B), from each member's Δr = r_A − r_B:
 * the mean and standard deviation of Δr and of P(A ≻ B) = σ(Δr). High std marks a pair worth labeling next.
 */
public record Disagreement(double meanDelta, double stdDelta, double meanProbability, double stdProbability) {

    /** From the members' Δr (population std: sqrt(Σ(x − mean)² / n)). */
    public static Disagreement of(double[] deltas) {
        if (deltas.length == 0) throw new IllegalArgumentException("no ensemble members");
        double[] probs = new double[deltas.length];
        for (int i = 0; i < deltas.length; i++) probs[i] = 1 / (1 + Math.exp(-deltas[i]));   // σ(Δr)
        return new Disagreement(mean(deltas), std(deltas), mean(probs), std(probs));
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    static double std(double[] x) {
        double m = mean(x), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return Math.sqrt(s / x.length);
    }
}
