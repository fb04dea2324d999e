package dev.rlhf.web.runs;


import dev.rlhf.ppo.PpoConfig;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * PPO: the policy and reward model from the registry, {@link PpoSpec}'s prompt set, every {@link PpoConfig} field
 * (its defaults, its checks), {@link PpoExecutor}. The config is stored as {@code {maxPosts, promptSplit,
 * promptSubreddit, rewardModelId, ppo: {every PpoConfig field}}}.
 */
@Component
record PpoRunType(RunInputs inputs, PpoExecutor executor) implements RunType {
    /** Where the PPO form shows its fields: every {@link PpoConfig} field no group names is a PPO detail. */
    static final FormLayout LAYOUT = new FormLayout()
            .group(FormLayout.MODEL, "name", "baseModelId", "rewardModelId")
            .group(FormLayout.DATA, "maxPosts", "promptSplit", "promptSubreddit")
            .group(FormLayout.OPTIMISATION, "iterations", "batchSize", "minibatchSize", "ppoEpochs", "learningRate",
                    "lrSchedule", "adamBeta1", "adamBeta2", "adamEps", "weightDecay", "maxGradNorm", "forwardBatchSize",
                    "seed", "checkpointEvery", "precision");

    @Override
    public RunKind kind() {
        return RunKind.PPO;
    }

    @Override
    public List<FormField> fields() {
        return LAYOUT.apply(kind(), PpoSpec.formFields(PpoConfig.defaults()), "PPO details");
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        return inputs.queueAgainstRewardModel(kind(), values, PpoConfig.defaults(), "PPO", "ppo", userId);
    }
}
