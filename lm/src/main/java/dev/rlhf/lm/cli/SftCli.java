package dev.rlhf.lm.cli;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
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
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Supervised fine-tuning (or training from scratch) on TL;DR posts: the prompt is the post in the paper's layout,
 * the completion is " " + the reference summary + EOS, and the loss covers the completion only.
 *
 * <pre>
 * --data posts.jsonl --out DIR [--init MODEL_DIR | --n_layer 2 --n_head 2 --n_embd 64 --n_positions 256]
 * [--steps 1000 --batch 8 --accum 1 --lr 1e-5 --min-lr 1e-6 --warmup 100 --clip 1.0 --weight-decay 0
 *  --checkpoint-every 500 --seed 0]
 * </pre>
 * Checkpoints go to {@code DIR/checkpoint-STEP}; the final model to {@code DIR}, all as Hugging Face directories.
 * Without {@code --init} the model is new and uses the byte-level tokenizer.
 */
public final class SftCli {
    static final Set<String> OPTIONS = Set.of("data", "out", "init", "n_layer", "n_head", "n_embd", "n_positions",
            "steps", "batch", "accum", "lr", "min-lr", "warmup", "clip", "weight-decay", "checkpoint-every", "seed");

    private SftCli() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args, new ConsoleSink());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** As {@link #run(String[], MetricsSink)}, with {@code listener} also called after every step. */
    public static TrainingListener.Progress run(String[] args, TrainingListener listener) throws Exception {
        return run(args, MetricsSink.none(), listener);
    }

    /**
     * Trains as the command line says, reporting to {@code console} and to {@code OUT/metrics.jsonl}; returns the last
     * step's progress.
     */
    public static TrainingListener.Progress run(String[] args, MetricsSink console) throws Exception {
        return run(args, console, p -> { });
    }

    private static TrainingListener.Progress run(String[] args, MetricsSink console, TrainingListener listener)
            throws Exception {
        CliArgs a = CliArgs.parse(args, OPTIONS);
        CliArgs.offlineEngine();
        Path data = a.path("data");
        Path out = a.path("out");
        SftConfig defaults = SftConfig.defaults();
        SftConfig config = new SftConfig(
                a.decimal("lr", defaults.learningRate()),
                a.decimal("min-lr", defaults.minLearningRate()),
                a.integer("warmup", defaults.warmupSteps()),
                a.integer("steps", defaults.steps()),
                a.integer("batch", defaults.batchSize()),
                a.integer("accum", defaults.gradAccumSteps()),
                a.decimal("clip", defaults.maxGradNorm()),
                a.decimal("weight-decay", defaults.weightDecay()),
                defaults.beta1(), defaults.beta2(), defaults.eps(),
                a.integer("checkpoint-every", defaults.checkpointEvery()),
                a.longValue("seed", defaults.seed()));

        try (NDManager manager = NDManager.newBaseManager(Devices.best())) {
            Tokenizer tokenizer;
            CausalLm model;
            if (a.has("init")) {
                Path init = a.path("init");
                tokenizer = Tokenizers.load(init);
                model = HfCheckpoint.loadModel(init, manager);
            } else {
                tokenizer = new ByteTokenizer();
                GPT2Config c = GPT2Config.of(tokenizer.vocabSize(), a.integer("n_positions", 256),
                        a.integer("n_embd", 64), a.integer("n_layer", 2), a.integer("n_head", 2));
                model = new GPT2(c, manager, config.seed());
            }
            List<SftExample> examples = examples(data, tokenizer, model.config().max_position_embeddings());
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
    static List<SftExample> examples(Path data, Tokenizer tokenizer, int nPositions) throws Exception {
        List<TldrPost> posts = TldrReader.readAll(data);
        if (posts.isEmpty()) throw new IllegalArgumentException(data + " holds no posts");
        List<String> leftOut = new ArrayList<>();
        List<SftExample> out = SftExample.ofPosts(posts, tokenizer, nPositions, leftOut);
        if (!leftOut.isEmpty()) {
            System.err.printf("left out %d of %d posts whose header and summary alone exceed n_positions %d (first: %s)%n",
                    leftOut.size(), posts.size(), nPositions, leftOut.get(0));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(data + ": no post fits n_positions " + nPositions);
        return out;
    }
}
