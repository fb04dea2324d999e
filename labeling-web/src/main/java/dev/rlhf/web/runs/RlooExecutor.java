package dev.rlhf.web.runs;

import dev.rlhf.web.models.TrainedModels;
import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.PromptSets;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.TrainingState;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.ppo.PpoModels;
import dev.rlhf.ppo.Prompts;
import dev.rlhf.ppo.RewardModelFunction;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.rloo.RlooConfig;
import dev.rlhf.rloo.RlooListener;
import dev.rlhf.rloo.RlooMetrics;
import dev.rlhf.rloo.RlooTrainer;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * RLOO through {@link RlooTrainer}: the policy is the run's {@code base_model_id} (an SFT model, also the frozen
 * reference), the reward model is {@code config.rewardModelId}, the prompts are the posts of the prompt set. Checkpoints
 * (each a policy directory) go to the run's directory and a re-claimed run resumes from the latest; the last one is
 * registered as a POLICY whose parent is the SFT model and whose snapshot is the reward model's.
 */
@Component
public record RlooExecutor(PromptSets promptSets, TrainedModels trained) implements RunExecutor {
    @Override
    public long execute(RunContext ctx) throws Exception {
        Run run = ctx.run();
        RlooConfig config = ConfigForm.stored(RlooConfig.defaults(), ctx.config().path("rloo"), "RLOO");
        if (run.baseModelId() == null) throw new IllegalArgumentException("baseModelId: an RLOO run needs a policy model");
        long rewardModelId = ctx.config().path("rewardModelId").asLong(-1);
        Path policyDir = ctx.baseModelDir();
        ModelRegistry.Model rm = ctx.model("rewardModelId", rewardModelId);
        PromptSet set = PromptSet.of(ctx.config());
        Tokenizer tokenizer = Tokenizers.load(policyDir);
        Path outDir = ctx.runDir();
        try (NDManager root = NDManager.newBaseManager(Devices.best());
             CausalLm policy = HfCheckpoint.loadModel(policyDir, root);
             CausalLm reference = PpoModels.copyOf(policy, root);
             RewardModel rewardModel = RewardModel.load(Path.of(rm.path()), root)) {
            List<PromptSets.DbPost> used = promptSets.posts(set);
            List<int[]> prompts = Prompts.tokenize(used.stream().map(PromptSets.DbPost::post).toList(), tokenizer,
                    config.maxPromptTokens());
            if (prompts.isEmpty()) throw new IllegalStateException("promptSplit: no posts in the prompt set (" + set.describe() + ")");
            promptSets.record(run.id(), used);
            try (RlooTrainer trainer = new RlooTrainer(config, policy, reference,
                    new RewardModelFunction(rewardModel, config.forwardBatchSize()), tokenizer, prompts)) {
                ctx.device(policy.device().toString());
                ctx.log(String.format(Locale.ROOT, "RLOO on %d prompts, k %d, device %s, policy %s, reward model %s",
                        prompts.size(), config.samplesPerPrompt(), policy.device(), policyDir, rm.path()));
                trainer.checkpointDir(outDir).metrics(ctx.sink()).addListener(new RlooListener() {
                    @Override
                    public void onIteration(RlooMetrics m) {
                        ctx.log(String.format(Locale.ROOT, "iteration %d/%d score %.4f kl %.4f reward %.4f", m.iteration(),
                                config.iterations(), m.score(), m.kl(), m.sequenceReward()));
                        ctx.checkStop();
                    }
                });
                Optional<Path> last = TrainingState.latest(outDir);
                if (last.isPresent()) {
                    trainer.resume(last.get());
                    ctx.log("resumed from " + last.get() + " (iteration " + trainer.iteration() + ")");
                }
                RlooMetrics end = trainer.train();
                Path finalDir = TrainingState.latest(outDir)
                        .orElseThrow(() -> new IllegalStateException("no final checkpoint in " + outDir)).toAbsolutePath();
                String metrics = end == null ? "{}" : String.format(Locale.ROOT,
                        "{\"method\": \"RLOO\", \"score\": %s, \"kl\": %s, \"iterations\": %d, \"k\": %d, \"reward_model_id\": %d, \"prompts\": %d, %s}",
                        RunExecutor.jsonNumber(end.score()), RunExecutor.jsonNumber(end.kl()), config.iterations(), config.samplesPerPrompt(), rewardModelId,
                        prompts.size(), SftExecutor.postsUsed("prompt_posts", used));
                long id = trained.register(run.name() + " #" + run.id(), ModelKinds.POLICY, finalDir.toString(),
                        run.baseModelId(), run.id(), rm.snapshotId(), metrics);
                ctx.log("registered policy " + id + " at " + finalDir);
                return id;
            }
        } finally {
            if (tokenizer instanceof AutoCloseable c) c.close();
        }
    }
}
