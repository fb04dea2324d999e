package dev.rlhf.lm;

/**
 * How {@link Sampler} picks tokens.
 *
 * @param maxNewTokens tokens generated at most per row
 * @param temperature  logits are divided by it; 0 means greedy (argmax)
 * @param topK         keep the k most likely tokens; 0 keeps all
 * @param topP         keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all
 * @param seed         seeds the sampler's random numbers, so a run is reproducible
 */
public record SamplingConfig(int maxNewTokens, double temperature, int topK, double topP, long seed) {

    public SamplingConfig {
        if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be positive");
        if (temperature < 0) throw new IllegalArgumentException("temperature must be ≥ 0");
        if (topK < 0) throw new IllegalArgumentException("topK must be ≥ 0");
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1]");
    }

    /** Greedy decoding. */
    public static SamplingConfig greedy(int maxNewTokens) {
        return new SamplingConfig(maxNewTokens, 0, 0, 1, 0);
    }

    /** Plain sampling at the given temperature (PPO rollouts use 0.7). */
    public static SamplingConfig of(int maxNewTokens, double temperature, long seed) {
        return new SamplingConfig(maxNewTokens, temperature, 0, 1, seed);
    }

    public SamplingConfig withTopK(int k) {
        return new SamplingConfig(maxNewTokens, temperature, k, topP, seed);
    }

    public SamplingConfig withTopP(double p) {
        return new SamplingConfig(maxNewTokens, temperature, topK, p, seed);
    }

    public SamplingConfig withSeed(long s) {
        return new SamplingConfig(maxNewTokens, temperature, topK, topP, s);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
