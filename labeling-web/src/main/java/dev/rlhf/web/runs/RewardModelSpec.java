package dev.rlhf.web.runs;

import dev.rlhf.lm.Precision;
import dev.rlhf.reward.LrShape;
import dev.rlhf.reward.RewardConfig;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hyperparameters of a reward-model run: {@link RewardConfig}'s fields (its defaults: {@code defaults()} for a
 * registered trunk, {@code scratchDefaults()} for a new one), the validation split by post ({@code splitSeed}, null:
 * the seed; shared by the members of an ensemble), the learning-curve fractions (each retrains a fresh model on that
 * fraction of the training examples), the ensemble's size, the shape of a trunk from scratch, and the precision.
 */
public record RewardModelSpec(
        @Positive(message = "must be a positive number") double learningRate,
        double minLearningRate,
        @Positive(message = "must be positive") int epochs,
        @Positive(message = "must be positive") int batchSize,
        @Positive(message = "must be positive") int microBatchSize,
        @DecimalMin(value = "0", inclusive = false, message = "must be between 0 and 1")
        @DecimalMax(value = "1", inclusive = false, message = "must be between 0 and 1") double validationFraction,
        @ListText("must be fractions separated by commas, e.g. 0.25, 0.5")
        @Size(max = 10, message = "at most 10 fractions")
        List<@DecimalMin(value = "0", inclusive = false, message = "each fraction must be between 0 and 1")
             @DecimalMax(value = "1", inclusive = false, message = "each fraction must be between 0 and 1") Double> learningCurve,
        @PositiveOrZero(message = "must be ≥ 0") double maxGradNorm,
        boolean normaliseGain,
        @Positive(message = "must be positive") int checkpointEvery,
        int seed,
        Integer splitSeed,
        @Min(value = 1, message = "must be between 1 and 10") @Max(value = 10, message = "must be between 1 and 10") int ensembleSize,
        @Positive(message = "must be positive") int nLayer,
        @Positive(message = "must be positive") int nHead,
        @Positive(message = "must be positive") int nEmbd,
        @Min(value = 8, message = "must be at least 8") int nPositions,
        @NotNull(message = "must be FLOAT32, BFLOAT16 or FLOAT16") Precision precision) implements RunSpec {

    /** The fields whose default depends on the trunk (a registered one, or a new one from scratch). */
    public static final List<String> TRUNK_DEPENDENT = List.of("learningRate", "minLearningRate", "batchSize");

    public static RewardModelSpec defaults(boolean fromScratch) {
        RewardConfig d = RewardConfig.defaults(fromScratch);
        return new RewardModelSpec(d.learningRate(), d.minLearningRate(), d.epochs(), d.batchSize(), d.microBatchSize(),
                0.2, List.of(), d.maxGradNorm(), d.normaliseGain(), 50, (int) d.seed(), null, 1, 2, 2, 64, 512, d.precision());
    }

    @Override
    public Map<String, String> crossFieldErrors() {
        Map<String, String> e = new LinkedHashMap<>();
        if (minLearningRate < 0 || minLearningRate > learningRate) e.put("minLearningRate", "must be between 0 and learningRate");
        if (nHead > 0 && nEmbd % nHead != 0) e.put("nEmbd", "must be a multiple of nHead");
        return e;
    }

    /** The split seed: {@code splitSeed}, or the seed. */
    public int resolvedSplitSeed() {
        return splitSeed == null ? seed : splitSeed;
    }

    /** The member {@code i} of an ensemble: seed s + i, the split of the first member. */
    public RewardModelSpec member(int i) {
        return new RewardModelSpec(learningRate, minLearningRate, epochs, batchSize, microBatchSize, validationFraction,
                learningCurve, maxGradNorm, normaliseGain, checkpointEvery, seed + i, resolvedSplitSeed(), ensembleSize,
                nLayer, nHead, nEmbd, nPositions, precision);
    }

    /** The trainer's config: these fields over {@code RewardConfig}'s defaults for the trunk. */
    public RewardConfig trainerConfig(boolean fromScratch) {
        RewardConfig d = RewardConfig.defaults(fromScratch);
        return new RewardConfig(learningRate, minLearningRate, d.warmupFraction(), LrShape.COSINE, epochs, batchSize,
                microBatchSize, maxGradNorm, d.weightDecay(), d.beta1(), d.beta2(), d.eps(), d.maxTokens(), seed, normaliseGain,
                precision);
    }
}
