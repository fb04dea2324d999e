package dev.rlhf.web.runs;

import dev.rlhf.web.snapshots.PromptSet;

import dev.rlhf.lm.Precision;
import dev.rlhf.lm.SftConfig;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inputs and hyperparameters of an SFT run: {@link SftConfig}'s fields (defaults from {@code SftConfig.defaults()},
 * with a larger learning rate and fewer steps so a run from scratch fits a CPU), the model shape when training from
 * scratch with the byte tokenizer, and the posts to read from the database (the prompt set).
 */
public record SftSpec(
        @Positive(message = "must be a positive number") double learningRate,
        double minLearningRate,
        int warmupSteps,
        @Positive(message = "must be positive") int steps,
        @Positive(message = "must be positive") int batchSize,
        @Positive(message = "must be positive") int gradAccumSteps,
        @PositiveOrZero(message = "must be ≥ 0 (0 disables the clip)") double maxGradNorm,
        @PositiveOrZero(message = "must be ≥ 0") double weightDecay,
        @PositiveOrZero(message = "must be ≥ 0") int checkpointEvery,
        long seed,
        @Positive(message = "must be positive") int nLayer,
        @Positive(message = "must be positive") int nHead,
        int nEmbd,
        @Min(value = 8, message = "must be at least 8") int nPositions,
        @Positive(message = "must be positive") int maxPosts,
        String promptSplit,
        String promptSubreddit,
        @NotNull(message = "must be FLOAT32, BFLOAT16 or FLOAT16") Precision precision) implements RunSpec {

    public static SftSpec defaults() {
        SftConfig d = SftConfig.defaults();
        return new SftSpec(1e-3, 1e-4, 10, 200, d.batchSize(), d.gradAccumSteps(), d.maxGradNorm(), d.weightDecay(),
                50, d.seed(), 2, 2, 64, 512, 1000, PromptSet.ANY, "", d.precision());
    }

    @Override
    public Map<String, String> crossFieldErrors() {
        Map<String, String> e = new LinkedHashMap<>();
        if (!(minLearningRate >= 0) || minLearningRate > learningRate) e.put("minLearningRate", "must be between 0 and learningRate");
        if (warmupSteps < 0 || warmupSteps > steps) e.put("warmupSteps", "must be between 0 and steps");
        if (nEmbd <= 0 || (nHead > 0 && nEmbd % nHead != 0)) e.put("nEmbd", "must be a positive multiple of nHead");
        PromptSet.errors(promptSplit, promptSubreddit).forEach(e::putIfAbsent);
        return e;
    }

    public PromptSet promptSet() {
        return new PromptSet(promptSplit, promptSubreddit, maxPosts);
    }

    public SftConfig trainerConfig() {
        SftConfig d = SftConfig.defaults();
        return new SftConfig(learningRate, minLearningRate, warmupSteps, steps, batchSize, gradAccumSteps, maxGradNorm,
                weightDecay, d.beta1(), d.beta2(), d.eps(), checkpointEvery, seed, precision);
    }
}
