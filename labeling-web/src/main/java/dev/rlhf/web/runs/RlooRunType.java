package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.PromptSets;
import dev.rlhf.rloo.RlooConfig;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
                    "seed", "checkpointEvery")
            .help("baseModelId", "the policy to start from (an SFT model); also the frozen reference of the KL penalty")
            .help("batchSize", "prompts per iteration; each is sampled samplesPerPrompt times")
            .help("minibatchSize", "responses per optimizer step; must divide batchSize · samplesPerPrompt")
            .help("epochs", "passes over each iteration's samples")
            .help("checkpointEvery", "save a checkpoint every this many iterations (and always at the end); 0: only at the end")
            .help("samplesPerPrompt", "k: each sample's baseline is the mean reward of the other k − 1 of its prompt (Ahmadian et al. 2024)")
            .help("objective", "reinforce (−A·log π) or clipped (PPO's clipped ratio on whole responses)")
            .help("clipRange", "ε of the clipped objective")
            .help("klCoef", "β in R = score − β·KL to the reference, folded into each response's reward");

    @Override
    public RunKind kind() {
        return RunKind.RLOO;
    }

    @Override
    public List<FormField> fields() {
        return LAYOUT.apply(PpoSpec.formFields(RlooConfig.defaults()), "RLOO details");
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunInputs.name(values, errors);
        Long policy = inputs.requiredModel(values, "baseModelId", ModelKinds.POLICIES, ": the policy to start from (an SFT model)", errors);
        Long rewardModel = inputs.requiredModel(values, "rewardModelId", Set.of(ModelKinds.REWARD_MODEL), "", errors);
        SpecBinder.Bound<PpoSpec> spec = inputs.spec(PpoSpec.class, PpoSpec.defaults(), values);
        spec.errors().forEach(errors::putIfAbsent);
        if (spec.ok()) inputs.promptSetHasPosts(spec.spec().promptSet(), errors);
        RlooConfig config = ConfigForm.bind(RlooConfig.defaults(), values, errors, "RLOO");
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        ObjectNode stored = SpecBinder.toJson(spec.spec());
        stored.put("rewardModelId", rewardModel);
        stored.set("rloo", SpecBinder.toJson(config));
        return inputs.queue(name, kind(), stored.toString(), policy, null, userId);
    }
}
