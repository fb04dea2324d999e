package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelKinds;

import dev.rlhf.ppo.PpoConfig;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
                    "seed", "checkpointEvery", "precision")
            .help("baseModelId", "the policy to start from (an SFT model); also the frozen reference of the KL penalty")
            .help("iterations", "PPO iterations (rollout, then update) in the run")
            .help("batchSize", "prompts (and so responses) per iteration")
            .help("minibatchSize", "responses per optimizer step; must divide batchSize")
            .help("ppoEpochs", "passes over each batch of rollouts")
            .help("checkpointEvery", "save a checkpoint every this many iterations (and always at the end); 0: only at the end")
            .help("klCoef", "β, the KL penalty coefficient (its initial value when adaptive)")
            .help("adaptiveKl", "true: adapt β with Ziegler et al.'s proportional controller")
            .help("klTarget", "target KL (nats per response) of the adaptive controller")
            .help("klHorizon", "horizon (in responses) of the adaptive controller")
            .help("whitenRewards", "true: scale each batch's per-token rewards to unit variance, mean kept, before GAE (Ziegler et al. 2019)")
            .help("gamma", "discount γ")
            .help("lambda", "GAE λ")
            .help("valueClipRange", "value clip ε_v around the rollout's values")
            .help("valueCoef", "value-loss coefficient c_v in L = L_policy + c_v · L_value")
            .help("sampleEvery", "show a table of sample responses every this many iterations; 0: never")
            .help("samplesShown", "rows in that table");

    @Override
    public RunKind kind() {
        return RunKind.PPO;
    }

    @Override
    public List<FormField> fields() {
        return LAYOUT.apply(PpoSpec.formFields(PpoConfig.defaults()), "PPO details");
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunInputs.name(values, errors);
        Long policy = inputs.requiredModel(values, "baseModelId", Set.of(), ": the policy to start from (an SFT model)", errors);
        Long rewardModel = inputs.requiredModel(values, "rewardModelId", Set.of(), "", errors);
        if (!errors.containsKey("rewardModelId") && !inputs.isA(rewardModel, ModelKinds.REWARD_MODEL)) {
            errors.put("rewardModelId", "model " + rewardModel + " is not a reward model");
        }
        SpecBinder.Bound<PpoSpec> spec = inputs.spec(PpoSpec.class, PpoSpec.defaults(), values);
        spec.errors().forEach(errors::putIfAbsent);
        if (spec.ok()) inputs.promptSetHasPosts(spec.spec().promptSet(), errors);
        PpoConfig config = ConfigForm.bind(PpoConfig.defaults(), values, errors, "PPO");
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        ObjectNode stored = SpecBinder.toJson(spec.spec());
        stored.put("rewardModelId", rewardModel);
        stored.set("ppo", SpecBinder.toJson(config));
        return inputs.queue(name, kind(), stored.toString(), policy, null, userId);
    }
}
