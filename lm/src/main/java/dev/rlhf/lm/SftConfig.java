package dev.rlhf.lm;

/**
 * Hyperparameters of supervised fine-tuning (or training from scratch).
 *
 * @param learningRate       peak learning rate after warm-up
 * @param minLearningRate    where the cosine decay ends
 * @param warmupSteps        optimizer steps of linear warm-up
 * @param steps              optimizer steps in all
 * @param batchSize          examples per micro-batch
 * @param gradAccumSteps     micro-batches per optimizer step (the effective batch is batchSize·gradAccumSteps)
 * @param maxGradNorm        global gradient-norm clip; ≤ 0 disables it
 * @param weightDecay        AdamW decoupled weight decay on matrices
 * @param beta1              AdamW β1
 * @param beta2              AdamW β2
 * @param eps                AdamW ε
 * @param checkpointEvery    the checkpoint hook runs every this many steps (and at the end); ≤ 0: only at the end
 * @param seed               shuffling seed
 * @param precision          float32, or mixed precision with bfloat16 (float16) compute and float32 master weights
 */
public record SftConfig(
        double learningRate,
        double minLearningRate,
        int warmupSteps,
        int steps,
        int batchSize,
        int gradAccumSteps,
        double maxGradNorm,
        double weightDecay,
        double beta1,
        double beta2,
        double eps,
        int checkpointEvery,
        long seed,
        Precision precision) {

    public SftConfig {
        if (steps <= 0 || batchSize <= 0 || gradAccumSteps <= 0) {
            throw new IllegalArgumentException("steps, batchSize and gradAccumSteps must be positive");
        }
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be ≥ 0");
        if (precision == null) throw new IllegalArgumentException("precision must be given");
    }

    /** float32 training. */
    public SftConfig(double learningRate, double minLearningRate, int warmupSteps, int steps, int batchSize,
                     int gradAccumSteps, double maxGradNorm, double weightDecay, double beta1, double beta2, double eps,
                     int checkpointEvery, long seed) {
        this(learningRate, minLearningRate, warmupSteps, steps, batchSize, gradAccumSteps, maxGradNorm, weightDecay,
                beta1, beta2, eps, checkpointEvery, seed, Precision.FLOAT32);
    }

    /** Fine-tuning defaults: lr 1e-5 → 1e-6, 10% warm-up of 1000 steps, batch 8, clip 1.0, no weight decay. */
    public static SftConfig defaults() {
        return new SftConfig(1e-5, 1e-6, 100, 1000, 8, 1, 1.0, 0.0, 0.9, 0.95, 1e-8, 500, 0);
    }

    public SftConfig withSteps(int s, int warmup) {
        return new SftConfig(learningRate, minLearningRate, warmup, s, batchSize, gradAccumSteps, maxGradNorm,
                weightDecay, beta1, beta2, eps, checkpointEvery, seed, precision);
    }

    public SftConfig withLearningRate(double lr, double minLr) {
        return new SftConfig(lr, minLr, warmupSteps, steps, batchSize, gradAccumSteps, maxGradNorm,
                weightDecay, beta1, beta2, eps, checkpointEvery, seed, precision);
    }

    public SftConfig withBatch(int size, int accumSteps) {
        return new SftConfig(learningRate, minLearningRate, warmupSteps, steps, size, accumSteps, maxGradNorm,
                weightDecay, beta1, beta2, eps, checkpointEvery, seed, precision);
    }

    public SftConfig withWeightDecay(double wd) {
        return new SftConfig(learningRate, minLearningRate, warmupSteps, steps, batchSize, gradAccumSteps, maxGradNorm,
                wd, beta1, beta2, eps, checkpointEvery, seed, precision);
    }

    public SftConfig withCheckpointEvery(int every) {
        return new SftConfig(learningRate, minLearningRate, warmupSteps, steps, batchSize, gradAccumSteps, maxGradNorm,
                weightDecay, beta1, beta2, eps, every, seed, precision);
    }

    public SftConfig withPrecision(Precision p) {
        return new SftConfig(learningRate, minLearningRate, warmupSteps, steps, batchSize, gradAccumSteps, maxGradNorm,
                weightDecay, beta1, beta2, eps, checkpointEvery, seed, p);
    }

    public LrSchedule schedule() {
        return new LrSchedule(learningRate, minLearningRate, warmupSteps, steps);
    }
}
