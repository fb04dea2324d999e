package dev.rlhf.reward.cli;

import dev.rlhf.lm.Precision;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.reward.Aggregation;
import dev.rlhf.reward.BestOfN;
import dev.rlhf.reward.LrShape;
import dev.rlhf.reward.Preference;
import dev.rlhf.reward.PreferenceBuilder;
import dev.rlhf.reward.PreferenceOptions;
import dev.rlhf.reward.RewardConfig;
import dev.rlhf.reward.RewardEnsemble;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardModelMetadata;
import dev.rlhf.reward.RewardModelRun;
import dev.rlhf.reward.RewardProgressListener;
import dev.rlhf.lm.metrics.ConsoleSink;
import dev.rlhf.lm.metrics.JsonlSink;
import dev.rlhf.lm.metrics.MetricsSink;
import dev.rlhf.reward.RewardScorer;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.ComparisonReader;
import dev.rlhf.lm.formats.ComparisonWriter;
import dev.rlhf.lm.formats.PreferencePairs;
import dev.rlhf.reward.data.SyntheticComparisons;
import dev.rlhf.reward.eval.Accuracy;
import dev.rlhf.reward.eval.Evaluation;
import dev.rlhf.reward.eval.Evaluator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command line for reward models on summarize-from-feedback comparisons jsonl:
 * <pre>
 * train     --comparisons F[,F…] --out DIR (--init HF_DIR | --scratch d,layers,heads,positions) [training and data options]
 *           (defaults: RewardConfig.defaults() with --init, RewardConfig.scratchDefaults() with --scratch)
 * evaluate  --model DIR --comparisons F[,F…] [--out eval.json] [--best-of softmax|pairs]
 * generate  --out F [--posts 1000] [--per-post 2] [--candidates 2] [--flip 0.25] [--seed 1]
 * pairs     --comparisons F[,F…] --out pairs.jsonl
 * rank      --models DIR,DIR… --comparisons F[,F…] --out ranked.jsonl [--top 100] [--by probability|delta]
 * </pre>
 * Run with {@code -Dai.djl.offline=true} so the engine never downloads anything.
 */
public final class RewardModelCli {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private final PrintStream out;

    RewardModelCli(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] argv) throws Exception {
        RewardModelCli cli = new RewardModelCli(System.out);
        RewardCommands commands = new RewardCommands();
        Commands.main(commands.spec(), argv, parsed -> cli.run(commands.args(parsed)));
    }

    /** Runs {@code argv} (a command word and its options); a refused line is an IllegalArgumentException. */
    void run(String[] argv) throws Exception {
        RewardCommands commands = new RewardCommands();
        run(commands.args(Commands.parse(commands.spec(), argv)));
    }

    private void run(Args a) throws Exception {
        switch (a.command()) {
            case "train" -> train(a);
            case "evaluate" -> evaluate(a);
            case "generate" -> generate(a);
            case "pairs" -> pairs(a);
            case "rank" -> rank(a);
            default -> throw new IllegalArgumentException("give a command: train, evaluate, generate, pairs or rank (see --help)");
        }
    }

    static List<Comparison> read(String files) throws IOException {
        List<Comparison> all = new ArrayList<>();
        for (String f : files.split(",")) {
            Path p = Path.of(f);
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("comparisons file not found: " + p);
            all.addAll(ComparisonReader.readAll(p));
        }
        return all;
    }

    private void train(Args a) throws Exception {
        String comparisonFiles = a.required("comparisons");
        Path outDir = Path.of(a.required("out"));
        String init = a.get("init", null), scratch = a.get("scratch", null);
        boolean shape = a.values().keySet().stream().anyMatch(List.of("n-layer", "n-head", "n-embd", "n-positions")::contains);
        if (shape) {
            if (init != null || scratch != null) {
                throw new IllegalArgumentException("--n-layer, --n-head, --n-embd and --n-positions shape a new trunk: give them without --init and --scratch");
            }
            scratch = a.integer("n-embd", 64) + "," + a.integer("n-layer", 2) + "," + a.integer("n-head", 2) + ","
                    + a.integer("n-positions", 512);
        }
        if ((init == null) == (scratch == null)) {
            throw new IllegalArgumentException("give exactly one of --init HF_DIR and --scratch d,layers,heads,positions"
                    + " (or --n-layer, --n-head, --n-embd, --n-positions)");
        }
        RewardConfig d = RewardConfig.defaults(scratch != null);          // the paper's for --init, larger steps for --scratch
        RewardConfig config = new RewardConfig(a.number("learning-rate", d.learningRate()),
                a.number("min-learning-rate", d.minLearningRate()), a.number("warmup-fraction", d.warmupFraction()),
                LrShape.valueOf(a.get("shape", "cosine").toUpperCase(Locale.ROOT)),
                a.integer("epochs", d.epochs()), a.integer("batch-size", d.batchSize()),
                Math.min(a.integer("micro-batch-size", d.microBatchSize()), a.integer("batch-size", d.batchSize())),
                a.number("max-grad-norm", d.maxGradNorm()),
                a.number("weight-decay", d.weightDecay()), d.beta1(), d.beta2(), d.eps(),
                a.integer("max-tokens", d.maxTokens()), a.integer("seed", 0), a.flag("normalise-gain"),
                precision(a.get("precision", "float32")));
        PreferenceOptions options = options(a);
        List<Double> curve = new ArrayList<>();
        String lc = a.get("learning-curve", null);
        if (lc != null) for (String f : lc.split(",")) curve.add(Double.parseDouble(f));
        RewardModelRun.Spec spec = new RewardModelRun.Spec(options, config, a.number("validation-fraction", 0.1),
                a.flag("split-from-data"), a.integer("split-seed", (int) config.seed()), a.get("reference-policy", "ref"),
                a.integer("ensemble-size", 1), curve);
        List<Comparison> comparisons = read(comparisonFiles);

        Tokenizer tokenizer;
        RewardModelRun.ModelFactory factory;
        if (init != null) {
            Path initDir = Path.of(init);
            tokenizer = Tokenizers.load(initDir);
            factory = (m, seed) -> RewardModel.initFrom(initDir, m, seed);
        } else {
            String[] p = scratch.split(",");
            if (p.length != 4) throw new IllegalArgumentException("--scratch wants d,layers,heads,positions, was " + scratch);
            tokenizer = new ByteTokenizer();
            GPT2Config gc = GPT2Config.of(ByteTokenizer.VOCAB_SIZE, Integer.parseInt(p[3]), Integer.parseInt(p[0]),
                    Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            factory = (m, seed) -> RewardModel.fromScratch(gc, m, seed);
        }
        out.printf("%d comparisons on %d posts; training on %s%n", comparisons.size(),
                comparisons.stream().map(c -> c.info().id()).distinct().count(), Devices.best());
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             MetricsSink sink = MetricsSink.fanOut(new ConsoleSink(out, out == System.out && ConsoleSink.onTerminal()),
                     JsonlSink.in(outDir))) {
            RewardModelRun.Result r = RewardModelRun.run(comparisons, spec, tokenizer, factory, root,
                    RewardProgressListener.NONE, sink, null);
            try {
                for (int i = 0; i < r.models().size(); i++) {
                    Path dir = i == 0 ? outDir : outDir.resolve("ensemble").resolve("member-" + i);
                    r.models().get(i).save(dir, tokenizer, new RewardModelMetadata(r.normalisation().get(i),
                            init == null ? "scratch " + scratch : init, config.withSeed(config.seed() + i),
                            r.training().get(i)));
                }
                r.evaluation().write(outDir.resolve("evaluation.json"));
                out.printf("examples: %d train, %d validation; dropped %s%n", r.trainExamples(),
                        r.validationExamples(), r.dropped());
                out.printf(Locale.ROOT, "normalisation offset %.4f%s on %d references (%s)%n",
                        r.normalisation().get(0).offset(), config.normaliseGain()
                                ? String.format(Locale.ROOT, ", gain %.4f", r.normalisation().get(0).gain()) : "",
                        r.normalisation().get(0).referenceCount(), r.normalisation().get(0).source());
                report(r.evaluation());
                out.println("model: " + outDir + ", evaluation: " + outDir.resolve("evaluation.json"));
            } finally {
                for (RewardModel m : r.models()) m.close();
            }
        } finally {
            if (tokenizer instanceof AutoCloseable c) c.close();   // a BPE tokenizer holds native memory
        }
    }

    /** float32, bfloat16 or float16 (any case). */
    static Precision precision(String name) {
        for (Precision p : Precision.values()) if (p.name().equalsIgnoreCase(name)) return p;
        throw new IllegalArgumentException("--precision must be float32, bfloat16 or float16, not " + name);
    }

    private static PreferenceOptions options(Args a) throws IOException {
        PreferenceOptions o = PreferenceOptions.defaults()
                .withMinConfidence(a.integer("min-confidence", 0))
                .withLowConfidenceWeight(a.integer("low-confidence-below", 0), a.number("low-confidence-weight", 1))
                .withConfidenceMargin(a.number("margin", 0))
                .withAggregation(switch (a.get("aggregate", "none")) {
                    case "none" -> Aggregation.NONE;
                    case "majority" -> Aggregation.MAJORITY;
                    case "confidence" -> Aggregation.CONFIDENCE_WEIGHTED;
                    default -> throw new IllegalArgumentException("--aggregate must be none, majority or confidence");
                })
                .withBestOfN(bestOf(a));
        String excluded = a.get("exclude-posts", null);
        if (excluded != null) {
            Set<String> ids = new HashSet<>();
            for (String line : Files.readAllLines(Path.of(excluded))) if (!line.isBlank()) ids.add(line.strip());
            o = o.withExcludedPosts(ids);
        }
        String quality = a.get("labeler-quality", null);
        if (quality != null) {
            Map<String, Double> q = GSON.fromJson(Files.readString(Path.of(quality)),
                    new TypeToken<Map<String, Double>>() { }.getType());
            o = o.withLabelerQuality(q, a.number("min-quality", 0));
        }
        return o;
    }

    private static BestOfN bestOf(Args a) {
        return switch (a.get("best-of", "softmax")) {
            case "softmax" -> BestOfN.SOFTMAX;
            case "pairs" -> BestOfN.PAIRS;
            default -> throw new IllegalArgumentException("--best-of must be softmax or pairs");
        };
    }

    private void evaluate(Args a) throws Exception {
        Path modelDir = Path.of(a.required("model"));
        String files = a.required("comparisons");
        Path file = Path.of(a.get("out", modelDir.resolve("evaluation-" + Path.of(files.split(",")[0]).getFileName()
                + ".json").toString()));
        PreferenceOptions o = PreferenceOptions.defaults().withBestOfN(bestOf(a));
        List<Comparison> comparisons = read(files);
        List<Preference> prefs = PreferenceBuilder.build(comparisons, o).preferences();
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             RewardModel model = RewardModel.load(modelDir, root)) {
            double[][] r = new RewardScorer(model, Tokenizers.load(modelDir)).scorePreferences(prefs);
            Evaluation e = Evaluator.evaluate(prefs, r);
            e = e.withLabelerAgreement(e.byLabeler());
            e.write(file);
            report(e);
            out.println("evaluation: " + file);
        }
    }

    private void report(Evaluation e) {
        out.printf(Locale.ROOT, "validation: %d pairs, accuracy %.4f, log loss %.4f, ECE %.4f%n", e.pairs(),
                e.accuracy(), e.logLoss(), e.expectedCalibrationError());
        for (Map.Entry<String, Accuracy> b : e.byConfidence().entrySet()) {
            out.printf(Locale.ROOT, "  confidence %-8s %.4f (%d pairs)%n", b.getKey(), b.getValue().accuracy(),
                    b.getValue().total());
        }
        if (!e.learningCurve().isEmpty()) {
            out.println("  learning curve: " + e.learningCurve());
        }
    }

    private void generate(Args a) throws IOException {
        Path file = Path.of(a.required("out"));
        SyntheticComparisons g = new SyntheticComparisons(a.integer("seed", 1), a.number("flip", 0.25),
                a.integer("candidates", 2));
        List<Comparison> c = g.generate(a.integer("posts", 1000), a.integer("per-post", 2));
        ComparisonWriter.writeAll(file, c);
        out.println("wrote " + c.size() + " comparisons to " + file);
    }

    private void pairs(Args a) throws IOException {
        String files = a.required("comparisons");
        Path file = Path.of(a.required("out"));
        List<Comparison> c = read(files);
        out.println("wrote " + PreferencePairs.write(file, c) + " pairs to " + file);
    }

    private void rank(Args a) throws Exception {
        String[] dirs = a.required("models").split(",");
        String files = a.required("comparisons");
        Path file = Path.of(a.required("out"));
        int top = a.integer("top", Integer.MAX_VALUE);
        boolean byProbability = switch (a.get("by", "probability")) {
            case "probability" -> true;
            case "delta" -> false;
            default -> throw new IllegalArgumentException("--by must be probability or delta");
        };
        List<Comparison> comparisons = read(files);
        List<RewardEnsemble.Pair> pairs = new ArrayList<>();
        List<String> postIds = new ArrayList<>();
        for (Comparison c : comparisons) {
            for (int i = 0; i < c.summaries().size(); i++) {
                for (int j = i + 1; j < c.summaries().size(); j++) {
                    pairs.add(new RewardEnsemble.Pair(c.info().prompt(), c.summaries().get(i).text(),
                            c.summaries().get(j).text()));
                    postIds.add(c.info().id());
                }
            }
        }
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            List<RewardModel> members = new ArrayList<>();
            for (String d : dirs) members.add(RewardModel.load(Path.of(d), root));
            try (RewardEnsemble ensemble = new RewardEnsemble(members, Tokenizers.load(Path.of(dirs[0])))) {
                List<RewardEnsemble.Ranked> ranked = ensemble.rank(pairs, byProbability);
                java.util.IdentityHashMap<RewardEnsemble.Pair, String> post = new java.util.IdentityHashMap<>();
                for (int i = 0; i < pairs.size(); i++) post.put(pairs.get(i), postIds.get(i));
                try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    for (RewardEnsemble.Ranked r : ranked.subList(0, Math.min(top, ranked.size()))) {
                        JsonObject o = new JsonObject();
                        o.addProperty("post_id", post.get(r.pair()));
                        o.addProperty("a", r.pair().a());
                        o.addProperty("b", r.pair().b());
                        o.add("disagreement", JsonParser.parseString(GSON.toJson(r.disagreement())));
                        w.write(GSON.toJson(o));
                        w.write('\n');
                    }
                }
                out.println("ranked " + pairs.size() + " pairs with " + members.size() + " models; wrote "
                        + Math.min(top, ranked.size()) + " to " + file);
            }
        }
    }
}
