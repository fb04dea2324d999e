package dev.rlhf.web.runs;

import java.util.Map;

/**
 * What a run form's field means, by name, where the name means the same for every trainer (their config records'
 * documentation, in short). A kind whose field means something of its own says so in its {@link FormLayout}.
 */
public final class FieldHelp {
    private FieldHelp() {}

    private static final Map<String, String> LINES = Map.ofEntries(
            Map.entry("name", "shown in the queue, on the run's page and on the model it registers"),
            Map.entry("baseModelId", "the registered model to start from"),
            Map.entry("snapshotId", "the frozen label snapshot to train on"),
            Map.entry("rewardModelId", "the registered reward model that scores each response"),
            Map.entry("learningRate", "peak learning rate (AdamW) after warm-up"),
            Map.entry("minLearningRate", "where the cosine decay ends"),
            Map.entry("warmupSteps", "optimizer steps of linear warm-up"),
            Map.entry("steps", "optimizer steps in all"),
            Map.entry("batchSize", "examples per micro-batch"),
            Map.entry("gradAccumSteps", "micro-batches per optimizer step (the effective batch is batchSize · gradAccumSteps)"),
            Map.entry("maxGradNorm", "global gradient-norm clip; 0 disables it"),
            Map.entry("weightDecay", "AdamW decoupled weight decay on matrices"),
            Map.entry("adamBeta1", "AdamW β1"),
            Map.entry("adamBeta2", "AdamW β2"),
            Map.entry("adamEps", "AdamW ε"),
            Map.entry("lrSchedule", "linear or cosine (both to 0 at the last optimizer step), or constant"),
            Map.entry("checkpointEvery", "save a checkpoint every this many steps (and always at the end); 0: only at the end"),
            Map.entry("seed", "seeds shuffling, sampling and every other random draw of the run"),
            Map.entry("precision", "FLOAT32, or mixed precision with float32 master weights: BFLOAT16 compute (a GPU worker with the kit's JNI) or FLOAT16 (for checks)"),
            Map.entry("nLayer", "transformer blocks of a new model (from scratch only)"),
            Map.entry("nHead", "attention heads per block of a new model"),
            Map.entry("nEmbd", "width of a new model; a multiple of nHead"),
            Map.entry("nPositions", "context length of a new model, in tokens"),
            Map.entry("maxPosts", "posts read from the database at most"),
            Map.entry("promptSplit", "the split the posts come from: any, train, valid, valid1, valid2 or test"),
            Map.entry("promptSubreddit", "only posts of this subreddit; empty: any"),
            Map.entry("iterations", "iterations (sample, then update) in the run"),
            Map.entry("minibatchSize", "responses per optimizer step; must divide the responses of an iteration"),
            Map.entry("epochs", "passes over the training data"),
            Map.entry("responseLength", "new tokens generated at most per response"),
            Map.entry("maxPromptTokens", "a longer prompt has its post shortened at a word boundary until it fits"),
            Map.entry("temperature", "sampling temperature; the training log-probs use softmax(logits / temperature) too"),
            Map.entry("clipRange", "ε of the clipped policy ratio"),
            Map.entry("klCoef", "β, the coefficient of the KL penalty to the reference policy"),
            Map.entry("penalizeMissingEos", "true: a response with no end-of-text within responseLength gets missingEosPenalty as its score"),
            Map.entry("missingEosPenalty", "the score of a response with no end-of-text, replacing the reward model's"),
            Map.entry("forwardBatchSize", "rows per gradient-free forward pass (log-probs, values, scores)"),
            Map.entry("validationFraction", "share of the posts held out (by post) for validation"));

    /** The shared help line of {@code name}, or null when the field means something different in each kind. */
    public static String of(String name) {
        return LINES.get(name);
    }
}
