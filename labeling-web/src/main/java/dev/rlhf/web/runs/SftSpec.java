package dev.rlhf.web.runs;

import dev.rlhf.lm.SftConfig;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inputs and hyperparameters of an SFT run: {@link SftConfig}'s fields (defaults from {@code SftConfig.defaults()},
 * with fewer steps so a run fits a CPU), the model shape when training from scratch with the byte tokenizer, and how
 * many posts to read from the database. {@link #errors()} names every impossible field.
 */
public record SftSpec(double learningRate, double minLearningRate, int warmupSteps, int steps, int batchSize,
                      int gradAccumSteps, double maxGradNorm, double weightDecay, int checkpointEvery, long seed,
                      int nLayer, int nHead, int nEmbd, int nPositions, int maxPosts) {

    public static SftSpec defaults() {
        SftConfig d = SftConfig.defaults();
        return new SftSpec(1e-3, 1e-4, 10, 200, d.batchSize(), d.gradAccumSteps(), d.maxGradNorm(), d.weightDecay(),
                50, d.seed(), 2, 2, 64, 512, 1000);
    }

    public SftConfig trainerConfig() {
        SftConfig d = SftConfig.defaults();
        return new SftConfig(learningRate, minLearningRate, warmupSteps, steps, batchSize, gradAccumSteps, maxGradNorm,
                weightDecay, d.beta1(), d.beta2(), d.eps(), checkpointEvery, seed);
    }

    public Map<String, String> errors() {
        Map<String, String> e = new LinkedHashMap<>();
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) e.put("learningRate", "must be a positive number");
        if (!(minLearningRate >= 0) || minLearningRate > learningRate) e.put("minLearningRate", "must be between 0 and learningRate");
        if (steps <= 0) e.put("steps", "must be positive");
        if (warmupSteps < 0 || warmupSteps > steps) e.put("warmupSteps", "must be between 0 and steps");
        if (batchSize <= 0) e.put("batchSize", "must be positive");
        if (gradAccumSteps <= 0) e.put("gradAccumSteps", "must be positive");
        if (!(maxGradNorm >= 0)) e.put("maxGradNorm", "must be ≥ 0 (0 disables the clip)");
        if (!(weightDecay >= 0)) e.put("weightDecay", "must be ≥ 0");
        if (checkpointEvery < 0) e.put("checkpointEvery", "must be ≥ 0");
        if (nLayer <= 0) e.put("nLayer", "must be positive");
        if (nHead <= 0) e.put("nHead", "must be positive");
        if (nEmbd <= 0 || (nHead > 0 && nEmbd % nHead != 0)) e.put("nEmbd", "must be a positive multiple of nHead");
        if (nPositions < 8) e.put("nPositions", "must be at least 8");
        if (maxPosts <= 0) e.put("maxPosts", "must be positive");
        return e;
    }

    public static SftSpec fromJson(JsonNode n) {
        SftSpec d = defaults();
        return new SftSpec(
                n.path("learningRate").asDouble(d.learningRate()),
                n.path("minLearningRate").asDouble(d.minLearningRate()),
                n.path("warmupSteps").asInt(d.warmupSteps()),
                n.path("steps").asInt(d.steps()),
                n.path("batchSize").asInt(d.batchSize()),
                n.path("gradAccumSteps").asInt(d.gradAccumSteps()),
                n.path("maxGradNorm").asDouble(d.maxGradNorm()),
                n.path("weightDecay").asDouble(d.weightDecay()),
                n.path("checkpointEvery").asInt(d.checkpointEvery()),
                n.path("seed").asLong(d.seed()),
                n.path("nLayer").asInt(d.nLayer()),
                n.path("nHead").asInt(d.nHead()),
                n.path("nEmbd").asInt(d.nEmbd()),
                n.path("nPositions").asInt(d.nPositions()),
                n.path("maxPosts").asInt(d.maxPosts()));
    }
}
