package dev.rlhf.web.runs;

import dev.rlhf.web.models.TrainedModels;
import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.PromptSets;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.ppo.PpoCheckpoint;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.ppo.PpoListener;
import dev.rlhf.ppo.PpoMetrics;
import dev.rlhf.ppo.PpoModels;
import dev.rlhf.ppo.PpoTrainer;
import dev.rlhf.ppo.Prompts;
import dev.rlhf.ppo.RewardModelFunction;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * PPO through {@link PpoTrainer}: the policy is the run's {@code base_model_id} (an SFT model), the reward model is
 * {@code config.rewardModelId}, the prompts are the posts in the database (TL;DR layout). The hyperparameters are
 * {@link PpoConfig}'s fields under {@code config.ppo}. Checkpoints go to the run's directory; a re-claimed run resumes
 * from the latest one (weights, optimizer, β and iteration, as the trainer saves them).
 */
@Component
public class PpoExecutor implements RunExecutor {
    private final PromptSets promptSets;
    private final TrainedModels trained;

    public PpoExecutor(PromptSets promptSets, TrainedModels trained) {
        this.promptSets = promptSets;
        this.trained = trained;
    }

    @Override
    public RunKind kind() {
        return RunKind.PPO;
    }

    @Override
    public long execute(RunContext ctx) throws Exception {
        Run run = ctx.run();
        Map<String, String> values = new LinkedHashMap<>();
        ctx.config().path("ppo").properties().forEach(e -> values.put(e.getKey(), e.getValue().asString())); // numbers, or text in older runs
        PpoConfig config = PpoConfig.defaults().with(values);
        if (run.baseModelId() == null) throw new IllegalArgumentException("baseModelId: a PPO run needs a policy model");
        long rewardModelId = ctx.config().path("rewardModelId").asLong(-1);
        Path policyDir = Path.of(ctx.registry().find(run.baseModelId())
                .orElseThrow(() -> new IllegalArgumentException("baseModelId: no model " + run.baseModelId())).path());
        ModelRegistry.Model rm = ctx.registry().find(rewardModelId)
                .orElseThrow(() -> new IllegalArgumentException("rewardModelId: no model " + rewardModelId));
        PromptSet set = PromptSet.of(ctx.config());
        Tokenizer tokenizer = Tokenizers.load(policyDir);
        List<PromptSets.DbPost> used = promptSets.posts(set);
        List<int[]> prompts = Prompts.tokenize(used.stream().map(PromptSets.DbPost::post).toList(),
                tokenizer, config.maxPromptTokens());
        if (prompts.isEmpty()) throw new IllegalStateException("promptSplit: no posts in the prompt set (" + set.describe() + ")");
        promptSets.record(run.id(), used);
        Path outDir = ctx.runDir();
        try (NDManager root = NDManager.newBaseManager(Devices.best());
             PpoModels models = PpoModels.load(policyDir, Path.of(rm.path()), root);
             PpoTrainer trainer = new PpoTrainer(config, models.policy(), models.reference(), models.value(),
                     new RewardModelFunction(models.rewardModel(), config.forwardBatchSize()), tokenizer, prompts)) {
            trainer.checkpointDir(outDir).metrics(ctx.sink()).addListener(new PpoListener() {
                @Override
                public void onStart(String device, PpoConfig c, int firstIteration) {
                    ctx.device(device);
                    ctx.log(String.format(Locale.ROOT, "PPO on %d prompts, device %s, iterations %d..%d, policy %s, reward model %s",
                            prompts.size(), device, firstIteration + 1, c.iterations(), policyDir, rm.path()));
                }

                @Override
                public void onIteration(PpoMetrics m) {
                    ctx.log(String.format(Locale.ROOT, "iteration %d/%d score %.4f kl %.4f reward %.4f", m.iteration(),
                            config.iterations(), m.score(), m.kl(), m.totalReward()));
                    ctx.checkStop();
                }

                @Override
                public void onSamples(int iteration, List<Sample> samples) {
                    for (Sample s : samples) ctx.sample(iteration, null, s.prompt(), s.response(), s.score(), null);
                }

            });
            Optional<Path> last = PpoCheckpoint.latest(outDir);
            if (last.isPresent()) {
                trainer.resume(last.get());
                ctx.log("resumed from " + last.get() + " (iteration " + trainer.iteration() + ")");
            }
            PpoMetrics end = trainer.train();
            Path finalCheckpoint = PpoCheckpoint.latest(outDir).orElseThrow(() -> new IllegalStateException("no final checkpoint in " + outDir));
            Path policy = finalCheckpoint.resolve(PpoCheckpoint.POLICY_DIR).toAbsolutePath();
            String metrics = end == null ? "{}" : String.format(Locale.ROOT, "{\"score\": %s, \"kl\": %s, \"iterations\": %d, \"reward_model_id\": %d, \"prompts\": %d, %s}",
                    finite(end.score()), finite(end.kl()), config.iterations(), rewardModelId, prompts.size(),
                    SftExecutor.postsUsed("prompt_posts", used));
            long id = trained.register(run.name() + " #" + run.id(), ModelKinds.POLICY, policy.toString(), run.baseModelId(),
                    run.id(), rm.snapshotId(), metrics);
            ctx.log("registered policy " + id + " at " + policy);
            if (tokenizer instanceof AutoCloseable c) c.close();
            return id;
        }
    }

    private static String finite(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
