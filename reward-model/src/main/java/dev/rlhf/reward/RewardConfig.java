package dev.rlhf.reward;

import dev.rlhf.lm.Precision;

/**
 * Reward-model training hyperparameters. {@link #defaults()} follow Stiennon et al. (2020) for a pretrained or SFT
 * trunk: one epoch, batch 64, cosine decay of learning rate 1.5e-5 to 0, in micro-batches of 8 examples so the
 * activations of a GPT-2 small trunk fit in memory. A small model trained from scratch learns nothing at that rate:
 * {@link #scratchDefaults()} are learning rate 1e-3 decaying to 1e-4, batch 16.
 *
 * @param learningRate   peak learning rate
 * @param minLearningRate where the decay ends
 * @param warmupFraction fraction of the steps spent in linear warm-up
 * @param shape          decay after warm-up
 * @param epochs         passes over the training examples
 * @param batchSize      examples (comparisons) per optimizer step
 * @param microBatchSize examples per forward pass (gradient accumulation when smaller than batchSize)
 * @param maxGradNorm    global gradient-norm clip; ≤ 0 disables it
 * @param weightDecay    AdamW decoupled weight decay on matrices
 * @param beta1          AdamW β1
 * @param beta2          AdamW β2
 * @param eps            AdamW ε
 * @param maxTokens      longest sequence read (prompt cut from the left); 0: the model's n_positions
 * @param seed           shuffling seed (the head's init seed is the model's)
 * @param normaliseGain  after training, also fit a gain so that the reference summaries' rewards have standard
 *                       deviation 1, not only mean 0 (Ziegler et al. 2019; off in Stiennon et al. 2020), see
 *                       {@link Normalisation}
 * @param precision      float32, or mixed precision: bfloat16 (float16) compute, float32 master weights, see
 *                       {@code dev.rlhf.lm.MixedPrecision}
 */
public record RewardConfig(double learningRate, double minLearningRate, double warmupFraction, LrShape shape,
                           int epochs, int batchSize, int microBatchSize, double maxGradNorm, double weightDecay,
                           double beta1, double beta2, double eps, int maxTokens, long seed,
                           boolean normaliseGain, Precision precision) {

    public RewardConfig {
        if (epochs <= 0 || batchSize <= 0 || microBatchSize <= 0) {
            throw new IllegalArgumentException("epochs, batchSize and microBatchSize must be positive");
        }
        if (warmupFraction < 0 || warmupFraction >= 1) throw new IllegalArgumentException("warmupFraction must be in [0, 1)");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be positive");
        if (precision == null) throw new IllegalArgumentException("precision must be given");
    }

    /** float32 training. */
    public RewardConfig(double learningRate, double minLearningRate, double warmupFraction, LrShape shape,
                        int epochs, int batchSize, int microBatchSize, double maxGradNorm, double weightDecay,
                        double beta1, double beta2, double eps, int maxTokens, long seed, boolean normaliseGain) {
        this(learningRate, minLearningRate, warmupFraction, shape, epochs, batchSize, microBatchSize, maxGradNorm,
                weightDecay, beta1, beta2, eps, maxTokens, seed, normaliseGain, Precision.FLOAT32);
    }

    /** Stiennon et al. (2020), for a pretrained or SFT trunk: lr 1.5e-5 → 0, batch 64. */
    public static RewardConfig defaults() {
        return new RewardConfig(1.5e-5, 0, 0.05, LrShape.COSINE, 1, 64, 8, 1.0, 0.0, 0.9, 0.999, 1e-8, 0, 0, false);
    }

    /** For a small model trained from scratch (tests, demos): lr 1e-3 → 1e-4, batch 16; the rest as {@link #defaults()}. */
    public static RewardConfig scratchDefaults() {
        return defaults().withLearningRate(1e-3, 1e-4).withBatch(16, 8);
    }

    /** {@link #scratchDefaults()} for a trunk trained from scratch, else {@link #defaults()}. */
    public static RewardConfig defaults(boolean fromScratch) {
        return fromScratch ? scratchDefaults() : defaults();
    }

    public RewardConfig withLearningRate(double lr, double minLr) {
        return new RewardConfig(lr, minLr, warmupFraction, shape, epochs, batchSize, microBatchSize, maxGradNorm,
                weightDecay, beta1, beta2, eps, maxTokens, seed, normaliseGain, precision);
    }

    public RewardConfig withSchedule(double warmup, LrShape s) {
        return new RewardConfig(learningRate, minLearningRate, warmup, s, epochs, batchSize, microBatchSize,
                maxGradNorm, weightDecay, beta1, beta2, eps, maxTokens, seed, normaliseGain, precision);
    }

    public RewardConfig withEpochs(int e) {
        return new RewardConfig(learningRate, minLearningRate, warmupFraction, shape, e, batchSize, microBatchSize,
                maxGradNorm, weightDecay, beta1, beta2, eps, maxTokens, seed, normaliseGain, precision);
    }

    public RewardConfig withBatch(int size, int micro) {
        return new RewardConfig(learningRate, minLearningRate, warmupFraction, shape, epochs, size, micro,
                maxGradNorm, weightDecay, beta1, beta2, eps, maxTokens, seed, normaliseGain, precision);
    }

    public RewardConfig withMaxTokens(int t) {
        return new RewardConfig(learningRate, minLearningRate, warmupFraction, shape, epochs, batchSize,
                microBatchSize, maxGradNorm, weightDecay, beta1, beta2, eps, t, seed, normaliseGain, precision);
    }

    public RewardConfig withSeed(long s) {
        return new RewardConfig(learningRate, minLearningRate, warmupFraction, shape, epochs, batchSize,
                microBatchSize, maxGradNorm, weightDecay, beta1, beta2, eps, maxTokens, s, normaliseGain, precision);
    }

    public RewardConfig withEps(double e) {
        return new RewardConfig(learningRate, minLearningRate, warmupFraction, shape, epochs, batchSize,
                microBatchSize, maxGradNorm, weightDecay, beta1, beta2, e, maxTokens, seed, normaliseGain, precision);
    }

    public RewardConfig withNormaliseGain(boolean gain) {
        return new RewardConfig(learningRate, minLearningRate, warmupFraction, shape, epochs, batchSize,
                microBatchSize, maxGradNorm, weightDecay, beta1, beta2, eps, maxTokens, seed, gain, precision);
    }

    public RewardConfig withPrecision(Precision p) {
        return new RewardConfig(learningRate, minLearningRate, warmupFraction, shape, epochs, batchSize,
                microBatchSize, maxGradNorm, weightDecay, beta1, beta2, eps, maxTokens, seed, normaliseGain, p);
    }

    /** Optimizer steps for {@code examples} training examples: ceil(examples / batchSize) per epoch. */
    public int steps(int examples) {
        return epochs * ((examples + batchSize - 1) / batchSize);
    }

    public WarmupDecay schedule(int totalSteps) {
        return new WarmupDecay(learningRate, minLearningRate, (int) Math.round(warmupFraction * totalSteps),
                totalSteps, shape);
    }
}
