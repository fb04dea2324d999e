package dev.rlhf.web.runs;

import dev.rlhf.web.models.TrainedModels;
import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.PromptSets;

import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.ppo.PpoListener;
import dev.rlhf.ppo.PpoMetrics;
import dev.rlhf.ppo.PpoRun;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * PPO through {@link PpoRun}: the policy is the run's {@code base_model_id} (an SFT model), the reward model is
 * {@code config.rewardModelId}, the prompts are the posts in the database (TL;DR layout). The hyperparameters are
 * {@link PpoConfig}'s fields under {@code config.ppo}. Checkpoints go to the run's directory; a re-claimed run resumes
 * from the latest one (weights, optimizer, β and iteration, as the trainer saves them).
 */
@Component
public record PpoExecutor(PromptSets promptSets, TrainedModels trained) implements RunExecutor {
    @Override
    public long execute(RunContext ctx) throws Exception {
        Run run = ctx.run();
        PpoConfig config = ConfigForm.stored(PpoConfig.defaults(), ctx.config().path("ppo"), "PPO"); // numbers, or text in older runs
        if (run.baseModelId() == null) throw new IllegalArgumentException("baseModelId: a PPO run needs a policy model");
        long rewardModelId = ctx.config().path("rewardModelId").asLong(-1);
        Path policyDir = ctx.baseModelDir();
        ModelRegistry.Model rm = ctx.model("rewardModelId", rewardModelId);
        PromptSet set = PromptSet.of(ctx.config());
        List<PromptSets.DbPost> used = promptSets.posts(set);
        if (used.isEmpty()) throw new IllegalStateException("promptSplit: no posts in the prompt set (" + set.describe() + ")");
        promptSets.record(run.id(), used);                         // as SFT and RLOO do: before training
        PpoRun.Result result = PpoRun.run(config, policyDir, Path.of(rm.path()), used.stream().map(PromptSets.DbPost::post).toList(),
                ctx.runDir(), false, ctx.sink(), new PpoListener() {
                    @Override
                    public void onStart(String device, PpoConfig c, int firstIteration) {
                        ctx.device(device);
                        ctx.log(String.format(Locale.ROOT, "PPO on %d prompts, device %s, iterations %d..%d, policy %s, reward model %s",
                                used.size(), device, firstIteration + 1, c.iterations(), policyDir, rm.path()));
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
        PpoMetrics end = result.last();
        String metrics = end == null ? "{}" : String.format(Locale.ROOT, "{\"score\": %s, \"kl\": %s, \"iterations\": %d, \"reward_model_id\": %d, \"prompts\": %d, %s}",
                RunExecutor.jsonNumber(end.score()), RunExecutor.jsonNumber(end.kl()), config.iterations(), rewardModelId, result.prompts(),
                SftExecutor.postsUsed("prompt_posts", used));
        long id = trained.register(run.name() + " #" + run.id(), ModelKinds.POLICY, result.policy().toString(), run.baseModelId(),
                run.id(), rm.snapshotId(), metrics);
        ctx.log("registered policy " + id + " at " + result.policy());
        return id;
    }
}
