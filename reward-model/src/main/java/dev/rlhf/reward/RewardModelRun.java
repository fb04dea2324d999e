package dev.rlhf.reward;

import dev.rlhf.lm.metrics.MetricsSink;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.TrainingState;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.Summary;
import dev.rlhf.reward.eval.Evaluation;
import dev.rlhf.reward.eval.Evaluator;
import dev.rlhf.reward.eval.LearningCurvePoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A whole reward-model run on a snapshot of comparisons, in the order it happens: split by post (seeded by the spec's
 * {@code splitSeed}), build the examples, train (one model per ensemble member, all on the same split), normalise on
 * the reference summaries, evaluate on the held-out posts, and optionally trace a learning curve. The caller supplies the comparisons, a model factory and a listener; the run
 * knows nothing of files or databases (the CLI and the web worker adapt it).
 */
public final class RewardModelRun {

    /** Creates a fresh model (trunk from a checkpoint or from scratch, new head) with the given seed. */
    @FunctionalInterface
    public interface ModelFactory {
        RewardModel create(NDManager manager, long seed) throws Exception;
    }

    /**
     * @param options            how comparisons become examples (applied to both sides of the split)
     * @param config             training hyperparameters
     * @param validationFraction share of posts held out (ignored when {@code splitFromData})
     * @param splitFromData      use the comparisons' own {@code split} field ("train" against the rest)
     * @param splitSeed          seeds the random split by post; models that are to be compared on the same held-out
     *                           posts (the members of an ensemble, also when trained as separate runs) share it,
     *                           while {@code config.seed()} seeds each one's head and data order
     * @param referencePolicy    the policy whose summaries define reward 0 (e.g. "ref"); when no training summary
     *                           has it, every distinct training summary is used instead, and the metadata says so
     * @param ensembleSize       models trained with seeds seed, seed + 1, … on the one split; the first is the primary
     * @param learningCurve      training-set fractions in (0, 1) to retrain on for the learning curve (may be empty)
     */
    public record Spec(PreferenceOptions options, RewardConfig config, double validationFraction,
                       boolean splitFromData, long splitSeed, String referencePolicy, int ensembleSize,
                       List<Double> learningCurve) {

        /** Validation 10% of the posts, split with the config's seed, references of policy "ref", one model. */
        public static Spec defaults(RewardConfig config) {
            return new Spec(PreferenceOptions.defaults(), config, 0.1, false, config.seed(), "ref", 1, List.of());
        }
    }

    /**
     * @param models        the trained, normalised models (the first is the primary; the caller closes them)
     * @param normalisation per model
     * @param training      per model
     * @param evaluation    the primary model on the validation posts, with labeler agreement and learning curve
     * @param dropped       comparisons left out while building the training examples, by reason
     * @param validationPosts the held-out posts' ids, sorted (the same for every model of the run)
     */
    public record Result(List<RewardModel> models, List<Normalisation> normalisation, List<TrainingSummary> training,
                         Evaluation evaluation, int trainExamples, int validationExamples,
                         Map<String, Integer> dropped, List<String> validationPosts) {
    }

    /**
     * Where a run keeps its training state so that, started again on the same data and spec, it goes on where it
     * stopped: every {@code every} optimizer steps and at its last one, each ensemble member's model (before
     * normalisation) and trainer state ({@link TrainingState}) go to {@code dir/member-I/checkpoint-STEP}, the
     * member's earlier checkpoint is then removed, and {@code saved} hears of the new one. A member whose last
     * checkpoint is complete is not trained again; normalisation and evaluation are always recomputed.
     */
    public record Checkpoints(Path dir, int every, Consumer<Path> saved) {
        public Checkpoints {
            if (every <= 0) throw new IllegalArgumentException("checkpoint every " + every + " steps: must be positive");
        }

        /** The member's checkpoint with the most steps whose training state was written (so it is complete), or null. */
        public Path latest(int member) throws IOException {
            return TrainingState.latest(dir.resolve("member-" + member)).orElse(null);
        }

        /** Saves after every {@code every}-th step and the last one; register it before listeners that may stop the run. */
        RewardProgressListener writer(int member, RewardModel model, RewardTrainer trainer, Tokenizer tokenizer) {
            return p -> {
                if (p.step() % every != 0 && p.step() != p.totalSteps()) return;
                try {
                    Path previous = latest(member);
                    Path target = dir.resolve("member-" + member).resolve("checkpoint-" + p.step());
                    model.save(target, tokenizer);
                    trainer.saveState(target);                 // written last: its presence marks the checkpoint complete
                    if (previous != null && !previous.equals(target)) TrainingState.delete(previous);
                    saved.accept(target);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
        }
    }

    private RewardModelRun() {
    }

    public static Result run(List<Comparison> comparisons, Spec spec, Tokenizer tokenizer, ModelFactory factory,
                             NDManager manager, RewardProgressListener listener) throws Exception {
        return run(comparisons, spec, tokenizer, factory, manager, listener, null);
    }

    /** As {@link #run(List, Spec, Tokenizer, ModelFactory, NDManager, RewardProgressListener)}, with checkpoints (may be null). */
    public static Result run(List<Comparison> comparisons, Spec spec, Tokenizer tokenizer, ModelFactory factory,
                             NDManager manager, RewardProgressListener listener, Checkpoints checkpoints) throws Exception {
        return run(comparisons, spec, tokenizer, factory, manager, listener, MetricsSink.none(), checkpoints);
    }

    /**
     * The run, reporting to {@code sink}: every training step's {@code reward/...} metrics and the progress of the long
     * phases without metrics, scoring the normalisation references ({@code reward/normalisation}, member I of an
     * ensemble {@code reward/normalisation/member-I}) and the validation and labeler-agreement scoring
     * ({@code reward/evaluation}). {@code listener} (may be {@link RewardProgressListener#NONE}) is called after the
     * sink on every step; checkpoints may be null.
     */
    public static Result run(List<Comparison> comparisons, Spec spec, Tokenizer tokenizer, ModelFactory factory,
                             NDManager manager, RewardProgressListener listener, MetricsSink sink,
                             Checkpoints checkpoints) throws Exception {
        PostSplit.Split<Comparison> split = spec.splitFromData()
                ? PostSplit.byField(comparisons, c -> c.info().id(), c -> "train".equals(c.split()))
                : PostSplit.random(comparisons, c -> c.info().id(), spec.validationFraction(), spec.splitSeed());
        PreferenceBuilder.Result built = PreferenceBuilder.build(split.train(), spec.options());
        List<Preference> train = built.preferences();
        List<Preference> validation = PreferenceBuilder.build(split.validation(), spec.options()).preferences();
        if (train.isEmpty()) throw new IllegalArgumentException("no training examples left after the data options");
        if (validation.isEmpty()) throw new IllegalArgumentException("no validation examples left after the data options");

        String[] source = new String[1];
        List<RewardScorer.Candidate> references = references(split.train(), spec.referencePolicy(), source);

        List<RewardModel> models = new ArrayList<>();
        List<Normalisation> norms = new ArrayList<>();
        List<TrainingSummary> summaries = new ArrayList<>();
        try {
            for (int i = 0; i < spec.ensembleSize(); i++) {
                RewardConfig config = spec.config().withSeed(spec.config().seed() + i);
                Path resume = checkpoints == null ? null : checkpoints.latest(i);
                RewardModel model = resume == null ? factory.create(manager, config.seed()) : RewardModel.load(resume, manager);
                models.add(model);
                try (RewardTrainer trainer = new RewardTrainer(model, tokenizer, config)) {
                    if (resume != null) trainer.restoreState(resume);
                    if (checkpoints != null) trainer.addListener(checkpoints.writer(i, model, trainer, tokenizer));
                    summaries.add(trainer.metrics(i == 0 ? sink : member(sink, i)).addListener(listener).train(train));
                }
                String phase = spec.ensembleSize() == 1 ? "reward/normalisation" : "reward/normalisation/member-" + i;
                sink.text(String.format("scoring %d normalisation references (%s)", references.size(), source[0]));
                RewardScorer scorer = new RewardScorer(model, tokenizer, config.maxTokens(), 64)
                        .progress((done, total) -> sink.progress(phase, done, total));
                norms.add(Normalisation.apply(model, scorer, references, source[0], config.normaliseGain()));
            }
            RewardScorer primary = new RewardScorer(models.get(0), tokenizer, spec.config().maxTokens(), 64)
                    .progress((done, total) -> sink.progress("reward/evaluation", done, total));
            Evaluation evaluation = Evaluator.evaluate(validation, primary.scorePreferences(validation));
            List<Preference> everyLabel = new ArrayList<>(train);
            everyLabel.addAll(validation);
            evaluation = evaluation.withLabelerAgreement(
                    Evaluator.labelerAgreement(everyLabel, primary.scorePreferences(everyLabel)));
            if (!spec.learningCurve().isEmpty()) {
                evaluation = evaluation.withLearningCurve(learningCurve(train, validation, spec, tokenizer, factory,
                        manager, evaluation.accuracy()));
            }
            return new Result(models, norms, summaries, evaluation, train.size(), validation.size(), built.dropped(),
                    split.validationPosts().stream().sorted().toList());
        } catch (Exception | Error e) {
            for (RewardModel m : models) m.close();
            throw e;
        }
    }

    /** {@code sink} with member I's metrics renamed {@code reward/member-I/...}: the steps of every member start at 1. */
    static MetricsSink member(MetricsSink sink, int i) {
        return new MetricsSink() {
            @Override
            public void log(long step, java.util.Map<String, Double> metrics) {
                java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
                metrics.forEach((k, v) -> m.put(k.replaceFirst("^reward/", "reward/member-" + i + "/"), v));
                sink.log(step, m);
            }

            @Override
            public void begin(String phase, long total) {
                sink.begin(phase + "/member-" + i, total);
            }
        };
    }

    /**
     * The distinct (prompt, summary) pairs written by {@code policy} in the comparisons; if there are none, every
     * distinct summary. {@code source[0]} receives a description of which.
     */
    public static List<RewardScorer.Candidate> references(List<Comparison> comparisons, String policy, String[] source) {
        Set<RewardScorer.Candidate> refs = new LinkedHashSet<>(), all = new LinkedHashSet<>();
        for (Comparison c : comparisons) {
            String prompt = c.info().prompt();
            for (Summary s : c.summaries()) {
                RewardScorer.Candidate cand = new RewardScorer.Candidate(prompt, s.text());
                all.add(cand);
                if (policy != null && policy.equals(s.policy())) refs.add(cand);
            }
        }
        if (!refs.isEmpty()) {
            source[0] = "summaries of policy \"" + policy + "\" in the training comparisons";
            return new ArrayList<>(refs);
        }
        source[0] = "every training summary (no summary of policy \"" + policy + "\")";
        return new ArrayList<>(all);
    }

    /** Validation accuracy of fresh models trained on growing prefixes of the shuffled training examples. */
    private static List<LearningCurvePoint> learningCurve(List<Preference> train, List<Preference> validation,
                                                          Spec spec, Tokenizer tokenizer, ModelFactory factory,
                                                          NDManager manager, double fullAccuracy) throws Exception {
        List<Preference> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, new Random(spec.config().seed()));
        List<LearningCurvePoint> curve = new ArrayList<>();
        for (double f : spec.learningCurve()) {
            if (!(f > 0 && f < 1)) throw new IllegalArgumentException("learning-curve fraction " + f + " is not in (0, 1)");
            int n = Math.max(1, (int) Math.round(f * shuffled.size()));
            try (RewardModel model = factory.create(manager, spec.config().seed());
                 RewardTrainer trainer = new RewardTrainer(model, tokenizer, spec.config())) {
                trainer.train(shuffled.subList(0, n));
                double[][] r = new RewardScorer(model, tokenizer, spec.config().maxTokens(), 64)
                        .scorePreferences(validation);
                curve.add(new LearningCurvePoint(n, Evaluator.evaluate(validation, r).accuracy()));
            }
        }
        curve.add(new LearningCurvePoint(train.size(), fullAccuracy));
        return curve;
    }
}
