package dev.rlhf.lm.cli;

import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.lm.commandline.HelpOption;
import dev.rlhf.lm.OfflineEngine;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Precision;
import dev.rlhf.lm.SftConfig;
import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.SftTrainer;
import dev.rlhf.lm.TrainingListener;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrReader;
import dev.rlhf.lm.metrics.ConsoleSink;
import dev.rlhf.lm.metrics.JsonlSink;
import dev.rlhf.lm.metrics.MetricsSink;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.io.SftStart;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Supervised fine-tuning (or training from scratch) on TL;DR posts: the prompt is the post in the paper's layout,
 * the completion is " " + the reference summary + EOS, and the loss covers the completion only.
 *
 * <pre>
 * sft --data posts.jsonl --out DIR [--init MODEL_DIR | --n-layer 2 --n-head 2 --n-embd 64 --n-positions 256]
 *     [--config sft.yaml] [--steps 1000 --batch-size 8 --learning-rate 1e-5 ...]
 * </pre>
 * The options are {@link SftConfig}'s fields in kebab-case; {@code --config} reads them (camelCase, as the web form
 * and the API name them) from a YAML or JSON file, and the command line overrides the file. Checkpoints go to
 * {@code DIR/checkpoint-STEP}; the final model to {@code DIR}, all as Hugging Face directories. Without {@code --init}
 * the model is new and uses the byte-level tokenizer.
 */
@Command(name = "sft", showDefaultValues = true, sortOptions = false,
        description = "Supervised fine-tuning (or training from scratch) on TL;DR posts.")
public final class SftCli implements Commands.Renamed {
    private static final SftConfig D = SftConfig.defaults();

    @Mixin HelpOption help;
    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON file of these options in camelCase (learningRate: 1e-4); the command line overrides it.")
    Path config;
    @Option(names = "--data", paramLabel = "POSTS.jsonl", description = "TL;DR posts to train on (required).")
    Path data;
    @Option(names = "--out", paramLabel = "DIR", description = "Where the checkpoints and the final model go (required).")
    Path out;
    @Option(names = "--init", paramLabel = "MODEL_DIR", description = "Start from this Hugging Face model directory; without it a new byte-level model of the shape below.")
    Path init;
    @Option(names = "--n-layer", description = "Layers of a new model.")
    int nLayer = 2;
    @Option(names = "--n-head", description = "Attention heads of a new model.")
    int nHead = 2;
    @Option(names = "--n-embd", description = "Embedding width of a new model.")
    int nEmbd = 64;
    @Option(names = "--n-positions", description = "Context length of a new model.")
    int nPositions = 256;
    @Option(names = "--max-posts", description = "Read at most this many posts of --data (after --prompt-subreddit); 0: all.")
    int maxPosts = 0;
    @Option(names = "--prompt-subreddit", paramLabel = "NAME", description = "Only the posts of this subreddit; empty: any.")
    String promptSubreddit = "";
    @Option(names = "--steps", description = "Optimizer steps in all.")
    int steps = D.steps();
    @Option(names = "--batch-size", description = "Examples per micro-batch.")
    int batchSize = D.batchSize();
    @Option(names = "--grad-accum-steps", description = "Micro-batches per optimizer step.")
    int gradAccumSteps = D.gradAccumSteps();
    @Option(names = "--learning-rate", description = "Peak learning rate after warm-up.")
    double learningRate = D.learningRate();
    @Option(names = "--min-learning-rate", description = "Where the cosine decay ends.")
    double minLearningRate = D.minLearningRate();
    @Option(names = "--warmup-steps", description = "Optimizer steps of linear warm-up.")
    int warmupSteps = D.warmupSteps();
    @Option(names = "--max-grad-norm", description = "Global gradient-norm clip; 0 disables it.")
    double maxGradNorm = D.maxGradNorm();
    @Option(names = "--weight-decay", description = "AdamW decoupled weight decay on matrices.")
    double weightDecay = D.weightDecay();
    @Option(names = "--checkpoint-every", description = "Checkpoint every this many steps (and at the end); 0: only at the end.")
    int checkpointEvery = D.checkpointEvery();
    @Option(names = "--seed", description = "Shuffling and initialisation seed.")
    long seed = D.seed();
    @Option(names = "--precision", paramLabel = "TYPE", description = "float32, or mixed precision: bfloat16 (needs the patched JNI of the GPU kit) or float16 compute with float32 master weights.")
    Precision precision = D.precision();

    @Override
    public Map<String, String> renamed() {
        return Map.of("--lr", "--learning-rate", "--min-lr", "--min-learning-rate", "--warmup", "--warmup-steps",
                "--batch", "--batch-size", "--accum", "--grad-accum-steps", "--clip", "--max-grad-norm");
    }

    public static void main(String[] args) throws Exception {
        SftCli cli = new SftCli();
        Commands.main(cli, args, p -> cli.train(new ConsoleSink(), q -> { }));
    }

    /** As {@link #run(String[], MetricsSink)}, with {@code listener} also called after every step. */
    public static TrainingListener.Progress run(String[] args, TrainingListener listener) throws Exception {
        return parsed(args).train(MetricsSink.none(), listener);
    }

    /**
     * Trains as the command line says, reporting to {@code console} and to {@code OUT/metrics.jsonl}; returns the last
     * step's progress.
     */
    public static TrainingListener.Progress run(String[] args, MetricsSink console) throws Exception {
        return parsed(args).train(console, p -> { });
    }

    /** The command with {@code args} parsed (the config file first); a refused line is an IllegalArgumentException. */
    static SftCli parsed(String... args) {
        SftCli cli = new SftCli();
        Commands.parse(cli, args);
        return cli;
    }

    /** The trainer's config these options give. */
    SftConfig trainerConfig() {
        return new SftConfig(learningRate, minLearningRate, warmupSteps, steps, batchSize, gradAccumSteps, maxGradNorm,
                weightDecay, D.beta1(), D.beta2(), D.eps(), checkpointEvery, seed, precision);
    }

    private TrainingListener.Progress train(MetricsSink console, TrainingListener listener) throws Exception {
        if (data == null) throw new IllegalArgumentException("option --data is required");
        if (out == null) throw new IllegalArgumentException("option --out is required");
        if (maxPosts < 0) throw new IllegalArgumentException("option --max-posts must be ≥ 0");
        SftConfig config = trainerConfig();
        OfflineEngine.use();

        try (NDManager manager = NDManager.newBaseManager(Devices.best())) {
            SftStart start = SftStart.of(init, manager, nPositions, nEmbd, nLayer, nHead, config.seed());
            Tokenizer tokenizer = start.tokenizer();
            CausalLm model = start.model();
            List<SftExample> examples = examples(data, tokenizer, model.config().max_position_embeddings(), promptSubreddit, maxPosts);
            System.err.printf("SFT on %d posts from %s, %,d parameters, device %s%n", examples.size(), data,
                    model.config().parameterCount(), model.device());
            try (model; SftTrainer trainer = new SftTrainer(model, config);
                 MetricsSink sink = MetricsSink.fanOut(console, JsonlSink.in(out))) {
                trainer.metrics(sink).addListener(listener);
                trainer.checkpointHook((m, step) -> {
                    Path dir = step == config.steps() ? out : out.resolve(String.format("checkpoint-%d", step));
                    HfCheckpoint.save(dir, m.config(), m.namedTensors(), java.util.Map.of(), tokenizer);
                    if (step != config.steps()) sink.checkpoint(step, dir);
                });
                return trainer.train(examples);
            }
        }
    }

    /**
     * Tokenised (prompt, completion + EOS) pairs fitted to the context ({@link SftExample#ofPosts}); the posts whose
     * header and summary alone do not fit are left out and counted on standard error.
     */
    static List<SftExample> examples(Path data, Tokenizer tokenizer, int nPositions, String subreddit, int maxPosts)
            throws Exception {
        List<TldrPost> posts = TldrReader.select(data, subreddit == null ? "" : subreddit, maxPosts);
        List<String> leftOut = new ArrayList<>();
        List<SftExample> out = SftExample.ofPosts(posts, tokenizer, nPositions, leftOut);
        if (!leftOut.isEmpty()) {
            System.err.printf("left out %d of %d posts whose header and summary alone exceed nPositions %d (first: %s)%n",
                    leftOut.size(), posts.size(), nPositions, leftOut.get(0));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(data + ": no post fits nPositions " + nPositions);
        return out;
    }
}
