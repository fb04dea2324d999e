package dev.rlhf.web.active;

import dev.rlhf.web.api.ApiProblem;
import dev.rlhf.web.batch.BatchBuilder;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.batch.BatchSpec;
import dev.rlhf.web.runs.ModelRegistry;
import dev.rlhf.web.runs.RunKind;
import dev.rlhf.web.runs.RunLauncher;
import dev.rlhf.web.runs.RunQueue;
import org.springframework.stereotype.Service;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SELECT_BATCH run form: checks every field by name (an impossible value is refused, nothing is queued) and
 * queues the run with its {@link SelectBatchSpec} as config.
 */
@Service
public class SelectBatchForm {
    static final int MAX_BATCH_SIZE = 10_000;

    private final RunQueue queue;
    private final ModelRegistry registry;
    private final BatchBuilder builder;
    private final CandidatePool pool;

    SelectBatchForm(RunQueue queue, ModelRegistry registry, BatchBuilder builder, CandidatePool pool) {
        this.queue = queue;
        this.registry = registry;
        this.builder = builder;
        this.pool = pool;
    }

    /** The form's fields and their defaults. */
    public static Map<String, String> defaults() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("name", "");
        v.put("batchName", "");
        v.put("members", "");
        v.put("method", SelectionMethod.DISAGREEMENT.name());
        v.put("measure", DisagreementMeasure.STD_PROBABILITY.name());
        v.put("batchSize", "50");
        v.put("seed", "0");
        v.put("posts", "");
        v.put("sources", BatchSpec.REFERENCE);
        v.put("mode", BatchMode.PAIRWISE.name());
        v.put("overlapK", "3");
        v.put("tiesAllowed", "false");
        v.put("goldRate", "0");
        v.put("priority", "0");
        return v;
    }

    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunLauncher.runName(values, errors);
        List<Long> members = members(value(values, "members"), errors);
        SelectionMethod method = choice(values, "method", SelectionMethod.class, SelectionMethod.DISAGREEMENT, errors);
        DisagreementMeasure measure = choice(values, "measure", DisagreementMeasure.class, DisagreementMeasure.STD_PROBABILITY, errors);
        Integer batchSize = integer(values, "batchSize", 50, errors);
        if (batchSize != null && batchSize <= 0) errors.put("batchSize", "must be at least 1");
        else if (batchSize != null && batchSize > MAX_BATCH_SIZE) errors.put("batchSize", "must be at most " + MAX_BATCH_SIZE);
        Integer seed = integer(values, "seed", 0, errors);
        String mode = value(values, "mode");
        if (mode.equals(BatchMode.BEST_OF_4.name())) {
            errors.put("mode", "best-of-4 is not supported here: the ensemble's disagreement is measured on pairs, so a"
                    + " selected batch is PAIRWISE");
        } else if (!mode.isEmpty() && !mode.equals(BatchMode.PAIRWISE.name())) {
            errors.put("mode", "must be PAIRWISE");
        }
        Integer overlapK = integer(values, "overlapK", 3, errors);
        String ties = value(values, "tiesAllowed");
        if (!ties.isEmpty() && !Set.of("true", "false", "on").contains(ties)) errors.put("tiesAllowed", "must be true or false");
        boolean tiesAllowed = ties.equals("true") || ties.equals("on");
        BigDecimal goldRate = BigDecimal.ZERO;
        try {
            if (!value(values, "goldRate").isEmpty()) goldRate = new BigDecimal(value(values, "goldRate"));
        } catch (NumberFormatException e) {
            errors.put("goldRate", "must be a number");
        }
        Integer priority = integer(values, "priority", 0, errors);
        String batchName = value(values, "batchName");
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
        List<String> posts = list(value(values, "posts"));
        List<String> sources = list(value(values, "sources"));
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
        if (!errors.isEmpty()) return new RunLauncher.Result(null, errors);
        SelectBatchSpec spec = new SelectBatchSpec(batchName, members, posts, sources, batchSize, method, measure, seed,
                overlapK, tiesAllowed, goldRate, priority);
        long id = queue.enqueue(name, RunKind.SELECT_BATCH, spec.toJson(), null, null, userId);
        return new RunLauncher.Result(id, Map.of());
    }

    /** Two or more distinct registered reward models, as ids separated by commas or spaces (a JSON array too). */
    private List<Long> members(String raw, Map<String, String> errors) {
        Set<Long> ids = new LinkedHashSet<>();
        for (String part : list(raw.replace("[", " ").replace("]", " "))) {
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
            if (!model.get().kind().equals("REWARD_MODEL")) {
                errors.put("members", "model " + id + " is not a reward model (" + model.get().kind() + ")");
                return List.of();
            }
        }
        if (ids.size() < 2) {
            errors.put("members", "an ensemble needs at least two different reward models, got " + ids.size());
        }
        return new ArrayList<>(ids);
    }

    private static String value(Map<String, String> values, String field) {
        String v = values.get(field);
        return v == null ? "" : v.strip();
    }

    private static List<String> list(String raw) {
        return Arrays.stream(raw.split("[,\\s]+")).filter(s -> !s.isBlank()).distinct().toList();
    }

    private static Integer integer(Map<String, String> values, String field, int fallback, Map<String, String> errors) {
        String v = value(values, field);
        if (v.isEmpty()) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            errors.put(field, "must be a whole number");
            return null;
        }
    }

    private static <E extends Enum<E>> E choice(Map<String, String> values, String field, Class<E> type, E fallback,
                                                Map<String, String> errors) {
        String v = value(values, field);
        if (v.isEmpty()) return fallback;
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            errors.put(field, "must be one of " + Arrays.toString(type.getEnumConstants()));
            return fallback;
        }
    }
}
