package dev.rlhf.web.models;

/**
 * A 95% confidence interval for an accuracy of {@code correct} out of {@code n} pairs: the Wilson score interval
 * (it stays inside [0, 1] and is honest for small n, where the normal approximation p ± z·√(p(1−p)/n) is not):
 * <pre>
 *   p = correct / n,  z = 1.959964 (the 97.5% quantile of the standard normal)
 *   centre = (p + z² / 2n) / (1 + z² / n)
 *   half   = z / (1 + z² / n) · √(p (1 − p) / n + z² / 4n²)
 * </pre>
 */
public record AccuracyInterval(long correct, long n, double lower, double upper) {
    public static final double Z95 = 1.959963984540054;

    public static AccuracyInterval wilson95(long correct, long n) {
        if (n <= 0) throw new IllegalArgumentException("n must be positive, was " + n);
        double[] bounds = wilson95((double) correct / n, n);
        return new AccuracyInterval(correct, n, bounds[0], bounds[1]);
    }

    /**
     * {lower, upper} of the Wilson interval for a proportion {@code p} over {@code n} trials; {@code n} need not be
     * whole (an effective sample size, as in the human evaluation's clustered interval).
     */
    public static double[] wilson95(double p, double n) {
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
        double half = Z95 / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    public double halfWidth() {
        return (upper - lower) / 2;
    }
}
