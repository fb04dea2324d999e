package dev.rlhf.web.runs;

import dev.rlhf.web.models.TrainedModels;
import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.RewardModelDashboard;
import dev.rlhf.web.snapshots.LabelSnapshots;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.reward.Normalisation;
import dev.rlhf.reward.RewardConfig;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardModelRun;
import dev.rlhf.lm.formats.Comparison;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A reward model trained on a frozen label snapshot through {@link RewardModelRun} (split by post, train, normalise
 * against the reference summaries, evaluate on the held-out posts). The trunk comes from a registered model
 * ({@code base_model_id}) or is new with the byte tokenizer; a hyperparameter missing from the config takes
 * {@code RewardConfig.defaults()} (the paper's) for a registered trunk and {@code scratchDefaults()} for a new one. The
 * split by post is seeded by {@code splitSeed} (the seed when absent), so the members of an ensemble, queued as one
 * run each, hold out the same posts; the registered model's metrics record the split ({@code split.seed},
 * {@code split.validation_posts}) and the normalisation ({@code normalisation.offset}, {@code gain}). Every
 * {@code checkpointEvery} steps the model and the trainer's state go to
 * {@code run-ID/checkpoints/member-0/checkpoint-STEP}; a re-claimed run goes on from the latest.
 */
@Component
public record RewardModelExecutor(LabelSnapshots snapshots, TrainedModels trained, SpecBinder binder) implements RunExecutor {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public long execute(RunContext ctx) throws Exception {
        Run run = ctx.run();
        if (run.snapshotId() == null) throw new IllegalArgumentException("snapshotId: a reward-model run needs a label snapshot");
        List<Comparison> comparisons = snapshots.comparisons(run.snapshotId());
        if (comparisons.isEmpty()) throw new IllegalArgumentException("snapshotId: snapshot " + run.snapshotId() + " holds no labels with a choice");
        boolean fromScratch = run.baseModelId() == null;
        RewardModelSpec s = binder.stored(RewardModelSpec.class, RewardModelSpec.defaults(fromScratch), ctx.config());
        RewardConfig config = s.trainerConfig(fromScratch);
        RewardModelRun.Spec defaults = RewardModelRun.Spec.defaults(config);
        // the members of an ensemble share the split seed (their first member's seed) and differ by their own seed
        RewardModelRun.Spec spec = new RewardModelRun.Spec(defaults.options(), config, s.validationFraction(), false,
                s.resolvedSplitSeed(), defaults.referencePolicy(), 1, s.learningCurve());

        Path base = run.baseModelId() == null ? null : ctx.baseModelDir();
        Tokenizer tokenizer = base == null ? new ByteTokenizer() : Tokenizers.load(base);
        GPT2Config shape = GPT2Config.of(tokenizer.vocabSize(), s.nPositions(), s.nEmbd(), s.nLayer(), s.nHead());
        RewardModelRun.ModelFactory factory = base == null
                ? (manager, seed) -> RewardModel.fromScratch(shape, manager, seed)
                : (manager, seed) -> RewardModel.initFrom(base, manager, seed);

        try (NDManager manager = NDManager.newBaseManager(Devices.best())) {
            ctx.device(manager.getDevice().toString());
            ctx.log(String.format("reward model on snapshot %d: %d comparisons, device %s%s", run.snapshotId(),
                    comparisons.size(), manager.getDevice(), base == null ? ", trunk from scratch (byte tokenizer)" : ", trunk from " + base));
            RewardModelRun.Result result = RewardModelRun.run(comparisons, spec, tokenizer, factory, manager, p -> {
                if (p.step() % 10 == 0 || p.step() == p.totalSteps()) {
                    ctx.log(String.format("step %d/%d loss %.4f accuracy %.3f", p.step(), p.totalSteps(), p.loss(), p.accuracy()));
                }
                ctx.checkStop();
            }, ctx.sink(), new RewardModelRun.Checkpoints(ctx.runDir().resolve("checkpoints"), s.checkpointEvery(), dir -> {
                ctx.checkpoint(dir);
                ctx.log("checkpoint " + dir);
            }));
            try {
                Path dir = ctx.runDir().resolve("final");
                result.models().get(0).save(dir, tokenizer);
                double accuracy = result.evaluation().accuracy();
                Normalisation norm = result.normalisation().get(0);
                ctx.log(String.format(Locale.ROOT, "split seed %d: %d validation posts; normalisation offset %.4f, gain %.4f on %d references",
                        spec.splitSeed(), result.validationPosts().size(), norm.offset(), norm.gain(), norm.referenceCount()));
                ctx.log(String.format(Locale.ROOT, "validation accuracy %.3f on %d examples (%d training)", accuracy,
                        result.validationExamples(), result.trainExamples()));
                ObjectNode split = JSON.createObjectNode().put("seed", spec.splitSeed());
                result.validationPosts().forEach(split.putArray("validation_posts")::add);
                ObjectNode normalisation = JSON.createObjectNode().put("offset", norm.offset()).put("gain", norm.gain())
                        .put("references", norm.referenceCount()).put("source", norm.source());
                String metrics = String.format(Locale.ROOT, "{\"validation_accuracy\": %s, \"train_examples\": %d, \"validation_examples\": %d, \"evaluation\": %s, \"split\": %s, \"normalisation\": %s}",
                        Double.isFinite(accuracy) ? Double.toString(accuracy) : "null", result.trainExamples(), result.validationExamples(),
                        RewardModelDashboard.jsonbSafe(result.evaluation().toJson()), JSON.writeValueAsString(split),
                        RewardModelDashboard.jsonbSafe(JSON.writeValueAsString(normalisation)));
                long id = trained.register(run.name() + " #" + run.id(), ModelKinds.REWARD_MODEL, dir.toAbsolutePath().toString(),
                        run.baseModelId(), run.id(), run.snapshotId(), metrics);
                ctx.log("registered model " + id + " at " + dir.toAbsolutePath());
                return id;
            } finally {
                result.models().forEach(RewardModel::close);
            }
        }
    }
}
