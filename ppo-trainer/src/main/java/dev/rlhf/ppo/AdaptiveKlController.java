package dev.rlhf.ppo;

/**
 * β for the KL penalty: fixed, or adapted by the proportional controller of Ziegler et al. (2019):
 * e = clip(KL / target − 1, −0.2, 0.2); β ← β·(1 + e·n / horizon), after each batch of n responses.
 */
public final class AdaptiveKlController {

    private final boolean adaptive;
    private final double target, horizon;
    private double beta;

    public AdaptiveKlController(double initialBeta, boolean adaptive, double target, double horizon) {
        this.beta = initialBeta;
        this.adaptive = adaptive;
        this.target = target;
        this.horizon = horizon;
    }

    public static AdaptiveKlController of(PpoConfig c) {
        return new AdaptiveKlController(c.klCoef(), c.adaptiveKl(), c.klTarget(), c.klHorizon());
    }

    public double beta() {
        return beta;
    }

    /** Restores β from a checkpoint. */
    public void setBeta(double beta) {
        this.beta = beta;
    }

    /** Updates β from the mean KL of the last batch of {@code n} responses (no change when β is fixed). */
    public double update(double kl, int n) {
        if (!adaptive) return beta;
        double error = Math.max(-0.2, Math.min(0.2, kl / target - 1)); // e = clip(KL/target − 1, ±0.2)
        beta *= 1 + error * n / horizon;                                 // β ← β·(1 + e·n/horizon)
        return beta;
    }
}
