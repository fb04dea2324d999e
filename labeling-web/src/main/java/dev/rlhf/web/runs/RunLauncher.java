package dev.rlhf.web.runs;

import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a run form (every field by name, impossible values refused) and queues the run. Only SFT is launched
 * from the web for now; the field names are those of {@link SftSpec}.
 */
@Service
public class RunLauncher {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public record Result(Long runId, Map<String, String> errors) {
        public boolean ok() {
            return runId != null;
        }
    }

    private final RunQueue queue;
    private final ModelRegistry registry;

    public RunLauncher(RunQueue queue, ModelRegistry registry) {
        this.queue = queue;
        this.registry = registry;
    }

    /** Launches an SFT run from form or JSON values (strings); missing hyperparameters take their defaults. */
    public Result launchSft(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = values.getOrDefault("name", "").strip();
        if (name.isEmpty()) errors.put("name", "is required");
        else if (name.length() > 100) errors.put("name", "must be at most 100 characters");
        Long baseModelId = null;
        String base = values.getOrDefault("baseModelId", "").strip();
        if (!base.isEmpty()) {
            try {
                baseModelId = Long.parseLong(base);
                if (registry.find(baseModelId).isEmpty()) errors.put("baseModelId", "no model " + baseModelId + " in the registry");
            } catch (NumberFormatException e) {
                errors.put("baseModelId", "must be a model id");
            }
        }
        SftSpec d = SftSpec.defaults();
        ObjectNode config = JSON.createObjectNode();
        number(values, "learningRate", d.learningRate(), config, errors);
        number(values, "minLearningRate", d.minLearningRate(), config, errors);
        integer(values, "warmupSteps", d.warmupSteps(), config, errors);
        integer(values, "steps", d.steps(), config, errors);
        integer(values, "batchSize", d.batchSize(), config, errors);
        integer(values, "gradAccumSteps", d.gradAccumSteps(), config, errors);
        number(values, "maxGradNorm", d.maxGradNorm(), config, errors);
        number(values, "weightDecay", d.weightDecay(), config, errors);
        integer(values, "checkpointEvery", d.checkpointEvery(), config, errors);
        integer(values, "seed", (int) d.seed(), config, errors);
        integer(values, "nLayer", d.nLayer(), config, errors);
        integer(values, "nHead", d.nHead(), config, errors);
        integer(values, "nEmbd", d.nEmbd(), config, errors);
        integer(values, "nPositions", d.nPositions(), config, errors);
        integer(values, "maxPosts", d.maxPosts(), config, errors);
        if (errors.isEmpty()) {
            SftSpec.fromJson(config).errors().forEach(errors::putIfAbsent);
        }
        if (!errors.isEmpty()) return new Result(null, errors);
        long id = queue.enqueue(name, RunKind.SFT, JSON.writeValueAsString(config), baseModelId, null, userId);
        return new Result(id, Map.of());
    }

    private static void number(Map<String, String> values, String field, double fallback, ObjectNode out,
                               Map<String, String> errors) {
        String v = values.getOrDefault(field, "").strip();
        if (v.isEmpty()) {
            out.put(field, fallback);
            return;
        }
        try {
            double x = Double.parseDouble(v);
            if (!Double.isFinite(x)) errors.put(field, "must be a finite number");
            else out.put(field, x);
        } catch (NumberFormatException e) {
            errors.put(field, "must be a number");
        }
    }

    private static void integer(Map<String, String> values, String field, int fallback, ObjectNode out,
                                Map<String, String> errors) {
        String v = values.getOrDefault(field, "").strip();
        if (v.isEmpty()) {
            out.put(field, fallback);
            return;
        }
        try {
            out.put(field, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            errors.put(field, "must be a whole number");
        }
    }
}
