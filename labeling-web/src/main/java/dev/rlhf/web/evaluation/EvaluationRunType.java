package dev.rlhf.web.evaluation;

import dev.rlhf.web.models.ModelKinds;

import dev.rlhf.web.runs.FormField;
import dev.rlhf.web.runs.FormLayout;
import dev.rlhf.web.runs.FormValues;
import dev.rlhf.web.runs.RunExecutor;
import dev.rlhf.web.runs.RunInputs;
import dev.rlhf.web.runs.RunKind;
import dev.rlhf.web.runs.RunLauncher;
import dev.rlhf.web.runs.RunType;
import org.springframework.stereotype.Service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * EVALUATION: checks the human-evaluation form (every field by name: the models against the registry, the numbers
 * against {@link EvaluationSpec#errors()}, and that held-out posts exist), queues the run, and runs it with
 * {@link EvaluationExecutor}. The policy is the form's {@code baseModelId} (also the run's {@code base_model_id}); an
 * empty {@code opponentModelId} means the reference summaries; an empty {@code rewardModelId} means no predicted win rate.
 */
@Service
record EvaluationRunType(RunInputs inputs, HeldOutPosts heldOut, EvaluationExecutor executor) implements RunType {
    /** Where the evaluation form shows its fields: the models, the posts, the labelling, the sampling. */
    static final FormLayout LAYOUT = new FormLayout()
            .group(FormLayout.MODEL, "name", "baseModelId", "opponentModelId", "rewardModelId")
            .group(FormLayout.DATA, "postCount", "seed")
            .group("Evaluation", "overlapK", "tiesAllowed")
            .group("Sampling", "temperature", "topP", "topK", "maxNewTokens");

    @Override
    public RunKind kind() {
        return RunKind.EVALUATION;
    }

    @Override
    public List<FormField> fields() {
        EvaluationSpec d = EvaluationSpec.defaults();
        return LAYOUT.apply(kind(), List.of(FormField.of("name", ""), FormField.of("baseModelId", ""), FormField.of("opponentModelId", ""),
                FormField.of("rewardModelId", ""), FormField.of("postCount", d.postCount()), FormField.of("overlapK", d.overlapK()),
                FormField.of("tiesAllowed", d.tiesAllowed()), FormField.of("temperature", d.temperature()),
                FormField.of("topP", d.topP()), FormField.of("topK", d.topK()), FormField.of("maxNewTokens", d.maxNewTokens()),
                FormField.of("seed", d.seed())), "Evaluation");
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunInputs.name(values, errors);
        Long policy = inputs.model(values, "baseModelId", ModelKinds.POLICIES, errors);
        Long opponent = inputs.model(values, "opponentModelId", ModelKinds.POLICIES, errors);
        Long rewardModel = inputs.model(values, "rewardModelId", Set.of(ModelKinds.REWARD_MODEL), errors);
        EvaluationSpec d = EvaluationSpec.defaults();
        // a value that does not parse is named in errors; the spec takes the default in its place
        EvaluationSpec spec = new EvaluationSpec(policy, opponent, rewardModel,
                or(FormValues.integer(values, "postCount", d.postCount(), errors), d.postCount()),
                or(FormValues.integer(values, "overlapK", d.overlapK(), errors), d.overlapK()),
                or(FormValues.bool(values, "tiesAllowed", d.tiesAllowed(), errors), d.tiesAllowed()),
                or(FormValues.number(values, "temperature", d.temperature(), errors), d.temperature()),
                or(FormValues.number(values, "topP", d.topP(), errors), d.topP()),
                or(FormValues.integer(values, "topK", d.topK(), errors), d.topK()),
                or(FormValues.integer(values, "maxNewTokens", d.maxNewTokens(), errors), d.maxNewTokens()),
                or(FormValues.whole(values, "seed", d.seed(), errors), d.seed()));
        boolean modelsMissing = errors.containsKey("baseModelId") || errors.containsKey("opponentModelId")
                || errors.containsKey("rewardModelId");
        spec.errors().forEach(errors::putIfAbsent);
        if (!modelsMissing && policy != null && !errors.containsKey("postCount")
                && heldOut.count(policy, opponent, rewardModel) == 0) {
            errors.put("postCount", HeldOutPosts.noneExplained());
        }
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        return inputs.queue(name, kind(), spec.toJson().toString(), policy, null, userId);
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
