package dev.rlhf.web.runs;

import dev.rlhf.web.models.TrainedModels;
import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.PromptSets;
import ai.djl.ndarray.NDManager;
import dev.rlhf.dpo.DpoConfig;
import dev.rlhf.dpo.DpoExample;
import dev.rlhf.dpo.DpoListener;
import dev.rlhf.dpo.DpoMetrics;
import dev.rlhf.dpo.DpoTrainer;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.TrainingState;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.ppo.PpoModels;
import dev.rlhf.reward.BestOfN;
import dev.rlhf.reward.PostSplit;
import dev.rlhf.reward.Preference;
import dev.rlhf.reward.PreferenceBuilder;
import dev.rlhf.reward.PreferenceOptions;
import dev.rlhf.lm.formats.Comparison;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * DPO through {@link DpoTrainer} on the run's label snapshot: best-of-4 labels become their implied pairs, aggregation
 * ties are left out, the pairs are split by post ({@code validationFraction}, the seed); the policy and the frozen
 * reference both load from the run's {@code base_model_id}. Checkpoints go to the run's directory and a re-claimed run
 * resumes from the latest; the final policy ({@code run-ID/policy}) is registered as a POLICY whose parent is the SFT
 * model and whose snapshot is the run's.
 */
@Component
public record DpoExecutor(LabelSnapshots snapshots, TrainedModels trained) implements RunExecutor {
    @Override
    public long execute(RunContext ctx) throws Exception {
        Run run = ctx.run();
        DpoConfig config = ConfigForm.stored(DpoConfig.defaults(), ctx.config().path("dpo"), "DPO");
        if (run.snapshotId() == null) throw new IllegalArgumentException("snapshotId: a DPO run needs a label snapshot");
        if (run.baseModelId() == null) throw new IllegalArgumentException("baseModelId: a DPO run needs a policy model");
        List<Comparison> comparisons = snapshots.comparisons(run.snapshotId());
        if (comparisons.isEmpty()) throw new IllegalArgumentException("snapshotId: snapshot " + run.snapshotId() + " holds no labels with a choice");
        PreferenceBuilder.Result built = PreferenceBuilder.build(comparisons, PreferenceOptions.defaults().withBestOfN(BestOfN.PAIRS));
        PostSplit.Split<Preference> split = PostSplit.random(built.preferences(), Preference::postId,
                config.validationFraction(), config.seed());
        Path policyDir = ctx.baseModelDir();
        Tokenizer tokenizer = Tokenizers.load(policyDir);
        Path outDir = ctx.runDir();
        try (NDManager root = NDManager.newBaseManager(Devices.best());
             CausalLm policy = HfCheckpoint.loadModel(policyDir, root);
             CausalLm reference = PpoModels.copyOf(policy, root);
             DpoTrainer trainer = new DpoTrainer(config, policy, reference, tokenizer)) {
            List<DpoExample> train = DpoExample.of(split.train(), tokenizer, config.maxLength());
            List<DpoExample> validation = DpoExample.of(split.validation(), tokenizer, config.maxLength());
            ctx.device(policy.device().toString());
            ctx.log(String.format(Locale.ROOT, "DPO on snapshot %d: %d training pairs, %d held out (%d posts), device %s%s",
                    run.snapshotId(), train.size(), validation.size(), split.validationPosts().size(), policy.device(),
                    built.dropped().isEmpty() ? "" : "; left out " + built.dropped()));
            trainer.checkpointDir(outDir).metrics(ctx.sink()).addListener(new DpoListener() {
                @Override
                public void onStep(DpoMetrics m) {
                    ctx.log(String.format(Locale.ROOT, "step %d/%d loss %.4f accuracy %.2f margin %.4f", m.step(), config.steps(),
                            m.loss(), m.rewardsAccuracy(), m.rewardsMargin()));
                    ctx.checkStop();
                }
            });
            Optional<Path> last = TrainingState.latest(outDir);
            if (last.isPresent()) {
                trainer.resume(last.get());
                ctx.log("resumed from " + last.get() + " (step " + trainer.steps() + ")");
            }
            DpoMetrics.Validation v = trainer.train(train, validation);
            Path finalDir = outDir.resolve("policy").toAbsolutePath();
            HfCheckpoint.save(finalDir, policy.config(), policy.namedTensors(), Map.of(), tokenizer);
            String metrics = String.format(Locale.ROOT,
                    "{\"method\": \"DPO\", \"beta\": %s, \"loss_type\": \"%s\", \"steps\": %d, \"train_pairs\": %d, \"validation_pairs\": %d,"
                            + " \"validation_accuracy\": %s, \"validation_margin\": %s}",
                    config.beta(), config.loss(), config.steps(), train.size(), v.pairs(), RunExecutor.jsonNumber(v.accuracy()), RunExecutor.jsonNumber(v.margin()));
            long id = trained.register(run.name() + " #" + run.id(), ModelKinds.POLICY, finalDir.toString(), run.baseModelId(),
                    run.id(), run.snapshotId(), metrics);
            ctx.log(String.format(Locale.ROOT, "held-out implicit-reward accuracy %.3f on %d pairs; registered policy %d at %s",
                    v.accuracy(), v.pairs(), id, finalDir));
            return id;
        } finally {
            if (tokenizer instanceof AutoCloseable c) c.close();
        }
    }
}
