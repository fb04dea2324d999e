package dev.rlhf.web.evaluation;

import dev.rlhf.web.runs.ModelRegistry;
import dev.rlhf.web.runs.RunKind;
import dev.rlhf.web.runs.RunLauncher;
import dev.rlhf.web.runs.RunQueue;
import org.springframework.stereotype.Service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks the human-evaluation form (every field by name: the models against the registry, the numbers against
 * {@link EvaluationSpec#errors()}, and that held-out posts exist) and queues an EVALUATION run. The policy is the
 * form's {@code baseModelId} (also the run's {@code base_model_id}); an empty {@code opponentModelId} means the
 * reference summaries; an empty {@code rewardModelId} means no predicted win rate.
 */
@Service
public class EvaluationLauncher {
    /** The launch result: the queued run's id, or the refused fields with their reasons. */
    public record Result(Long runId, Map<String, String> errors) {}

    private static final Set<String> POLICY_KINDS = Set.of("POLICY", "SFT");

    private final RunQueue queue;
    private final ModelRegistry registry;
    private final HeldOutPosts heldOut;

    public EvaluationLauncher(RunQueue queue, ModelRegistry registry, HeldOutPosts heldOut) {
        this.queue = queue;
        this.registry = registry;
        this.heldOut = heldOut;
    }

    public Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunLauncher.runName(values, errors);
        Long policy = model(values, "baseModelId", POLICY_KINDS, errors);
        Long opponent = model(values, "opponentModelId", POLICY_KINDS, errors);
        Long rewardModel = model(values, "rewardModelId", Set.of("REWARD_MODEL"), errors);
        EvaluationSpec d = EvaluationSpec.defaults();
        EvaluationSpec spec = new EvaluationSpec(policy, opponent, rewardModel,
                integer(values, "postCount", d.postCount(), errors), integer(values, "overlapK", d.overlapK(), errors),
                bool(values, "tiesAllowed", d.tiesAllowed(), errors), number(values, "temperature", d.temperature(), errors),
                number(values, "topP", d.topP(), errors), integer(values, "topK", d.topK(), errors),
                integer(values, "maxNewTokens", d.maxNewTokens(), errors), integer(values, "seed", (int) d.seed(), errors));
        boolean modelsMissing = errors.containsKey("baseModelId") || errors.containsKey("opponentModelId")
                || errors.containsKey("rewardModelId");
        spec.errors().forEach(errors::putIfAbsent);
        if (!modelsMissing && policy != null && !errors.containsKey("postCount")
                && heldOut.count(policy, opponent, rewardModel) == 0) {
            errors.put("postCount", HeldOutPosts.noneExplained());
        }
        if (!errors.isEmpty()) return new Result(null, errors);
        long id = queue.enqueue(name, RunKind.EVALUATION, spec.toJson().toString(), policy, null, userId);
        return new Result(id, Map.of());
    }

    /** An optional model id of one of {@code kinds}; refused when it is not a number, unknown, or of another kind. */
    private Long model(Map<String, String> values, String field, Set<String> kinds, Map<String, String> errors) {
        String v = values.getOrDefault(field, "").strip();
        if (v.isEmpty()) return null;
        try {
            long id = Long.parseLong(v);
            var m = registry.find(id);
            if (m.isEmpty()) errors.put(field, "no model " + id + " in the registry");
            else if (!kinds.contains(m.get().kind())) {
                errors.put(field, "model " + id + " is " + m.get().kind() + ", not " + String.join(" or ", kinds.stream().sorted().toList()));
            }
            return id;
        } catch (NumberFormatException e) {
            errors.put(field, "must be a model id");
            return null;
        }
    }

    private static int integer(Map<String, String> values, String field, int fallback, Map<String, String> errors) {
        String v = values.getOrDefault(field, "").strip();
        if (v.isEmpty()) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            errors.put(field, "must be a whole number");
            return fallback;
        }
    }

    private static double number(Map<String, String> values, String field, double fallback, Map<String, String> errors) {
        String v = values.getOrDefault(field, "").strip();
        if (v.isEmpty()) return fallback;
        try {
            double x = Double.parseDouble(v);
            if (!Double.isFinite(x)) errors.put(field, "must be a finite number");
            return x;
        } catch (NumberFormatException e) {
            errors.put(field, "must be a number");
            return fallback;
        }
    }

    private static boolean bool(Map<String, String> values, String field, boolean fallback, Map<String, String> errors) {
        String v = values.getOrDefault(field, "").strip();
        if (v.isEmpty()) return fallback;
        if (v.equalsIgnoreCase("true") || v.equals("on")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        errors.put(field, "must be true or false");
        return fallback;
    }
}
