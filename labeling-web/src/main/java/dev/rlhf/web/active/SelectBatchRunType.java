package dev.rlhf.web.active;

import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;

import dev.rlhf.web.api.ApiProblem;
import dev.rlhf.web.batch.BatchBuilder;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.batch.BatchSpec;
import dev.rlhf.web.runs.FormField;
import dev.rlhf.web.runs.FormLayout;
import dev.rlhf.web.runs.FormValues;
import dev.rlhf.web.runs.RunExecutor;
import dev.rlhf.web.runs.RunInputs;
import dev.rlhf.web.runs.RunKind;
import dev.rlhf.web.runs.RunLauncher;
import dev.rlhf.web.runs.RunQueue;
import dev.rlhf.web.runs.RunType;
import org.springframework.stereotype.Service;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SELECT_BATCH: the form checks every field by name (an impossible value is refused, nothing is queued) and queues the
 * run with its {@link SelectBatchSpec} as config; {@link SelectBatchExecutor} runs it.
 */
@Service
record SelectBatchRunType(RunQueue queue, ModelRegistry registry, BatchBuilder builder, CandidatePool pool, SelectBatchExecutor executor, SelectedComparisons selections) implements RunType {
    static final int MAX_BATCH_SIZE = 10_000;

    /** Where the form shows its fields: the ensemble, the candidate pool, the selection, the new batch's options. */
    static final FormLayout LAYOUT = new FormLayout()
            .group(FormLayout.MODEL, "name", "members")
            .group(FormLayout.DATA, "posts", "sources")
            .group("Selection", "method", "measure", "batchSize", "seed");

    @Override
    public String template() {
        return "active/select-batch";
    }

    @Override
    public Map<String, Object> runPageAttributes(long runId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("selection", selections.ofRun(runId).orElse(null));
        return m;
    }

    @Override
    public RunKind kind() {
        return RunKind.SELECT_BATCH;
    }

    @Override
    public List<FormField> fields() {
        return LAYOUT.apply(kind(), List.of(FormField.of("name", ""), FormField.of("batchName", ""), FormField.of("members", ""),
                FormField.of("method", SelectionMethod.DISAGREEMENT), FormField.of("measure", DisagreementMeasure.STD_PROBABILITY),
                FormField.of("batchSize", 50), FormField.of("seed", 0), FormField.of("posts", ""),
                FormField.of("sources", BatchSpec.REFERENCE), FormField.of("mode", BatchMode.PAIRWISE),
                FormField.of("overlapK", 3), FormField.of("tiesAllowed", false), FormField.of("goldRate", 0),
                FormField.of("priority", 0)), "New batch");
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunInputs.name(values, errors);
        List<Long> members = members(FormValues.text(values, "members"), errors);
        SelectionMethod method = FormValues.choice(values, "method", SelectionMethod.class, SelectionMethod.DISAGREEMENT, errors);
        DisagreementMeasure measure = FormValues.choice(values, "measure", DisagreementMeasure.class, DisagreementMeasure.STD_PROBABILITY, errors);
        Integer batchSize = FormValues.integer(values, "batchSize", 50, errors);
        if (batchSize != null && batchSize <= 0) errors.put("batchSize", "must be at least 1");
        else if (batchSize != null && batchSize > MAX_BATCH_SIZE) errors.put("batchSize", "must be at most " + MAX_BATCH_SIZE);
        Integer seed = FormValues.integer(values, "seed", 0, errors);
        String mode = FormValues.text(values, "mode");
        if (mode.equals(BatchMode.BEST_OF_4.name())) {
            errors.put("mode", "best-of-4 is not supported here: the ensemble's disagreement is measured on pairs, so a"
                    + " selected batch is PAIRWISE");
        } else if (!mode.isEmpty() && !mode.equals(BatchMode.PAIRWISE.name())) {
            errors.put("mode", "must be PAIRWISE");
        }
        Integer overlapK = FormValues.integer(values, "overlapK", 3, errors);
        boolean tiesAllowed = Boolean.TRUE.equals(FormValues.bool(values, "tiesAllowed", false, errors));
        BigDecimal goldRate = BigDecimal.ZERO;
        try {
            if (!FormValues.text(values, "goldRate").isEmpty()) goldRate = new BigDecimal(FormValues.text(values, "goldRate"));
        } catch (NumberFormatException e) {
            errors.put("goldRate", "must be a number");
        }
        Integer priority = FormValues.integer(values, "priority", 0, errors);
        String batchName = FormValues.text(values, "batchName");
        if (overlapK != null && priority != null && !errors.containsKey("goldRate")) {
            try {
                builder.checkOptions(new BatchSpec(batchName, BatchMode.PAIRWISE, overlapK, tiesAllowed, goldRate, priority, null, null));
                if (goldRate.signum() > 0 && !builder.goldAvailable(BatchMode.PAIRWISE, tiesAllowed)) {
                    errors.put("goldRate", "there are no gold comparisons with 2 summaries to mix in");
                }
            } catch (ApiProblem problem) {
                errors.putIfAbsent("name".equals(problem.field()) ? "batchName" : problem.field(), problem.getMessage());
            }
        }
        List<String> posts = FormValues.list(FormValues.text(values, "posts"));
        List<String> sources = FormValues.list(FormValues.text(values, "sources"));
        if (posts.isEmpty()) errors.put("posts", "choose at least one post (source ids)");
        else {
            List<String> unknown = pool.unknownPosts(posts);
            if (!unknown.isEmpty()) errors.put("posts", "no such post: " + String.join(", ", unknown.subList(0, Math.min(10, unknown.size())))
                    + (unknown.size() > 10 ? " and " + (unknown.size() - 10) + " more" : ""));
        }
        if (sources.isEmpty()) errors.put("sources", "choose at least one summary source (a policy, or 'reference')");
        if (!errors.containsKey("posts") && !errors.containsKey("sources") && pool.pairs(posts, sources).isEmpty()) {
            errors.put("posts", "these posts have no candidate pairs from these sources that are not labelled already"
                    + " or in a batch that is not closed");
        }
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        SelectBatchSpec spec = new SelectBatchSpec(batchName, members, posts, sources, batchSize, method, measure, seed,
                overlapK, tiesAllowed, goldRate, priority);
        return RunLauncher.Result.queued(queue.enqueue(name, kind(), spec.toJson(), null, null, userId));
    }

    /** Two or more distinct registered reward models, as ids separated by commas or spaces (a JSON array too). */
    private List<Long> members(String raw, Map<String, String> errors) {
        Set<Long> ids = new LinkedHashSet<>();
        for (String part : FormValues.list(raw)) {
            try {
                ids.add(Long.parseLong(part));
            } catch (NumberFormatException e) {
                errors.put("members", "must be model ids separated by commas, e.g. 3, 4");
                return List.of();
            }
        }
        for (long id : ids) {
            Optional<ModelRegistry.Model> model = registry.find(id);
            if (model.isEmpty()) {
                errors.put("members", "no model " + id + " in the registry");
                return List.of();
            }
            if (!model.get().kind().equals(ModelKinds.REWARD_MODEL)) {
                errors.put("members", "model " + id + " is not a reward model (" + model.get().kind() + ")");
                return List.of();
            }
        }
        if (ids.size() < 2) {
            errors.put("members", "an ensemble needs at least two different reward models, got " + ids.size());
        }
        return new ArrayList<>(ids);
    }
}
