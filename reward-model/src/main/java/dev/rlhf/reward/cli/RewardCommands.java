package dev.rlhf.reward.cli;

import dev.rlhf.lm.commandline.FlagTable;
import dev.rlhf.reward.RewardConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.util.Map;

/**
 * The command line of {@code reward}: its subcommands and their options (kebab-case; {@code train}'s are the names of
 * {@link RewardConfig} and of the web form's reward-model fields, so that its {@code --config} file uses them in
 * camelCase).
 */
final class RewardCommands {
    private final FlagTable top = new FlagTable("reward", "Reward models on summarize-from-feedback comparisons.");
    private final Map<String, FlagTable> subs;

    RewardCommands() {
        RewardConfig init = RewardConfig.defaults(), scratch = RewardConfig.scratchDefaults();
        FlagTable train = new FlagTable("train", "Train a reward model (or an ensemble) on comparisons.")
                .add("config", null, "YAML or JSON file of these options in camelCase (learningRate: 1e-4); the command line overrides it.")
                .add("comparisons", null, "Comparison files (jsonl), separated by commas (required).")
                .add("out", null, "Model directory to write (required).")
                .add("init", null, "Start the trunk from this Hugging Face directory (or give --scratch).")
                .add("scratch", null, "A new byte-level trunk: d,layers,heads,positions (or give --init).")
                .add("n-layer", null, "Layers of a new trunk (instead of --scratch). Default: 2.")
                .add("n-head", null, "Attention heads of a new trunk. Default: 2.")
                .add("n-embd", null, "Embedding width of a new trunk. Default: 64.")
                .add("n-positions", null, "Context length of a new trunk. Default: 512.")
                .add("learning-rate", null, "Peak learning rate. Default: " + init.learningRate() + " with --init, "
                        + scratch.learningRate() + " with --scratch.")
                .add("min-learning-rate", null, "Where the decay ends. Default: " + init.minLearningRate() + " with --init, "
                        + scratch.minLearningRate() + " with --scratch.")
                .add("warmup-fraction", String.valueOf(init.warmupFraction()), "Fraction of the steps spent in linear warm-up.")
                .add("shape", "cosine", "Decay after warm-up: cosine, linear or constant.")
                .add("epochs", String.valueOf(init.epochs()), "Passes over the training examples.")
                .add("batch-size", null, "Comparisons per optimizer step. Default: " + init.batchSize() + " with --init, "
                        + scratch.batchSize() + " with --scratch.")
                .add("micro-batch-size", null, "Comparisons per forward pass (at most --batch-size). Default: "
                        + init.microBatchSize() + " with --init, " + scratch.microBatchSize() + " with --scratch.")
                .add("max-grad-norm", String.valueOf(init.maxGradNorm()), "Global gradient-norm clip; 0 disables it.")
                .add("weight-decay", String.valueOf(init.weightDecay()), "AdamW decoupled weight decay on matrices.")
                .add("max-tokens", String.valueOf(init.maxTokens()), "Longest sequence read (prompt cut from the left); 0: the model's n_positions.")
                .add("seed", "0", "Shuffling seed (and the split seed unless --split-seed).")
                .flag("normalise-gain", "Also fit a gain so that the reference summaries' rewards have standard deviation 1.")
                .add("precision", "float32", "float32, or mixed precision with float32 master weights: bfloat16 (needs the GPU kit's JNI) or float16 compute.")
                .add("validation-fraction", "0.1", "Fraction of the posts held out for validation.")
                .add("split-seed", null, "Seed of the validation split by post. Default: --seed.")
                .flag("split-from-data", "Take the validation split from the comparisons' own split field.")
                .add("min-confidence", "0", "Leave out comparisons of lower labeler confidence.")
                .add("low-confidence-below", "0", "Comparisons of confidence below this get --low-confidence-weight.")
                .add("low-confidence-weight", "1.0", "Weight of low-confidence comparisons.")
                .add("margin", "0.0", "Confidence margin of the loss.")
                .add("exclude-posts", null, "File of post ids (one a line) to leave out.")
                .add("labeler-quality", null, "JSON {\"worker\": score} of labeler quality.")
                .add("min-quality", "0.0", "Leave out labels of labelers below this quality.")
                .add("aggregate", "none", "Labels of one pair by several labelers: none, majority or confidence.")
                .add("best-of", "softmax", "Best-of-N labels as: softmax or pairs.")
                .add("reference-policy", "ref", "Policy whose summaries are the normalisation's references.")
                .add("learning-curve", null, "Fractions of the training examples, separated by commas; each retrains a fresh model.")
                .add("ensemble-size", "1", "Members of the ensemble (seed s + i, one split).")
                .renamed("--lr", "--learning-rate").renamed("--min-lr", "--min-learning-rate")
                .renamed("--warmup", "--warmup-fraction").renamed("--schedule", "--shape")
                .renamed("--batch", "--batch-size").renamed("--micro-batch", "--micro-batch-size")
                .renamed("--clip", "--max-grad-norm").renamed("--validation", "--validation-fraction")
                .renamed("--ensemble", "--ensemble-size");
        FlagTable evaluate = new FlagTable("evaluate", "The evaluation of a saved reward model on comparisons.")
                .add("model", null, "Reward model directory (required).")
                .add("comparisons", null, "Comparison files (jsonl), separated by commas (required).")
                .add("out", null, "Evaluation JSON to write. Default: MODEL/evaluation-FILE.")
                .add("best-of", "softmax", "Best-of-N labels as: softmax or pairs.");
        FlagTable generate = new FlagTable("generate", "Synthetic comparisons (jsonl).")
                .add("out", null, "File to write (required).")
                .add("posts", "1000", "Posts.")
                .add("per-post", "2", "Comparisons per post.")
                .add("candidates", "2", "Summaries per comparison.")
                .add("flip", "0.25", "Fraction of labels flipped.")
                .add("seed", "1", "Seed.");
        FlagTable pairs = new FlagTable("pairs", "Export comparisons as {\"prompt\",\"chosen\",\"rejected\"} lines.")
                .add("comparisons", null, "Comparison files (jsonl), separated by commas (required).")
                .add("out", null, "File to write (required).");
        FlagTable rank = new FlagTable("rank", "Every pair of summaries, ordered by the ensemble's disagreement.")
                .add("models", null, "Reward model directories, separated by commas (required).")
                .add("comparisons", null, "Comparison files (jsonl), separated by commas (required).")
                .add("out", null, "File to write (required).")
                .add("top", null, "Keep the first N pairs. Default: all.")
                .add("by", "probability", "Order by: probability or delta.");
        subs = Map.of("train", train, "evaluate", evaluate, "generate", generate, "pairs", pairs, "rank", rank);
        for (FlagTable t : new FlagTable[] {train, evaluate, generate, pairs, rank}) top.subcommand(t);
    }

    CommandSpec spec() {
        return top.spec();
    }

    /** The subcommand a parse chose and its options; none chosen is refused. */
    Args args(ParseResult parsed) {
        if (!parsed.hasSubcommand()) {
            throw new IllegalArgumentException("give a command: train, evaluate, generate, pairs or rank (see --help)");
        }
        String name = parsed.subcommand().commandSpec().name();
        return new Args(name, subs.get(name).values(parsed.subcommand()));
    }
}
