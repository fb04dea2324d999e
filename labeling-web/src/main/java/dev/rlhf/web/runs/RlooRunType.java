package dev.rlhf.web.runs;

import dev.rlhf.rloo.RlooConfig;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * RLOO: the policy and reward model from the registry, the prompt set of {@link PpoSpec}, every {@link RlooConfig}
 * field (its defaults, its checks), {@link RlooExecutor}. Stored as {@code {maxPosts, promptSplit, promptSubreddit,
 * rewardModelId, rloo: {every RlooConfig field}}}.
 */
@Component
record RlooRunType(RunInputs inputs, RlooExecutor executor) implements RunType {
    /** Where the RLOO form shows its fields: every {@link RlooConfig} field no group names is an RLOO detail. */
    static final FormLayout LAYOUT = new FormLayout()
            .group(FormLayout.MODEL, "name", "baseModelId", "rewardModelId")
            .group(FormLayout.DATA, "maxPosts", "promptSplit", "promptSubreddit")
            .group(FormLayout.OPTIMISATION, "iterations", "batchSize", "minibatchSize", "epochs", "learningRate",
                    "lrSchedule", "adamBeta1", "adamBeta2", "adamEps", "weightDecay", "maxGradNorm", "forwardBatchSize",
                    "seed", "checkpointEvery");

    @Override
    public RunKind kind() {
        return RunKind.RLOO;
    }

    @Override
    public List<FormField> fields() {
        return LAYOUT.apply(kind(), PpoSpec.formFields(RlooConfig.defaults()), "RLOO details");
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        return inputs.queueAgainstRewardModel(kind(), values, RlooConfig.defaults(), "RLOO", "rloo", userId);
    }
}
