package dev.rlhf.web.runs;

import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.reward.RewardConfig;
import dev.rlhf.web.evaluation.EvaluationLauncher;
import java.util.Map;

/**
 * Checks a run form (every field by name, impossible values refused) and queues the run: SFT ({@link SftSpec}'s
 * fields), reward model, PPO ({@code PpoConfig}'s fields), batch selection ({@code SelectBatchForm}) and human
 * evaluation ({@link EvaluationLauncher}).
 */
@Service
public class RunLauncher {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The queued run (the first, where a form queues several: {@code runIds}), or the refused fields. */
    public record Result(Long runId, Map<String, String> errors, List<Long> runIds) {
        public Result(Long runId, Map<String, String> errors) {
            this(runId, errors, runId == null ? List.of() : List.of(runId));
        }

        public boolean ok() {
            return runId != null;
        }
    }

    private final RunQueue queue;
    private final ModelRegistry registry;
    private final LabelSnapshots snapshots;
    private final dev.rlhf.web.active.SelectBatchForm selectBatch;
    private final EvaluationLauncher evaluations;
    private final PromptSets promptSets;
    private final org.springframework.transaction.support.TransactionTemplate tx;

    public RunLauncher(RunQueue queue, ModelRegistry registry, LabelSnapshots snapshots,
                       dev.rlhf.web.active.SelectBatchForm selectBatch, EvaluationLauncher evaluations,
                       PromptSets promptSets, org.springframework.transaction.support.TransactionTemplate tx) {
        this.promptSets = promptSets;
        this.queue = queue;
        this.registry = registry;
        this.snapshots = snapshots;
        this.selectBatch = selectBatch;
        this.evaluations = evaluations;
        this.tx = tx;
    }

    /** Launches a run of the kind named by {@code kind} (SFT when absent). */
    public Result launch(Map<String, String> values, Long userId) {
        String kind = values.getOrDefault("kind", "SFT").strip();
        return switch (kind) {
            case "", "SFT" -> launchSft(values, userId);
            case "REWARD_MODEL" -> launchRewardModel(values, userId);
            case "PPO" -> launchPpo(values, userId);
            case "SELECT_BATCH" -> selectBatch.launch(values, userId);
            case "EVALUATION" -> {
                EvaluationLauncher.Result r = evaluations.launch(values, userId);
                yield new Result(r.runId(), r.errors());
            }
            default -> new Result(null, Map.of("kind", "must be SFT, REWARD_MODEL, PPO, SELECT_BATCH or EVALUATION"));
        };
    }

    /** The reward-model fields whose default depends on the trunk: {@link #rewardModelTrunkDefaults(boolean)}. */
    public static final List<String> TRUNK_DEPENDENT = List.of("learningRate", "minLearningRate", "batchSize");

    /**
     * The reward-model form's fields and their defaults (those of {@link RewardModelExecutor}). The fields of
     * {@link #TRUNK_DEPENDENT} are empty: left empty, they take {@link #rewardModelTrunkDefaults(boolean)} for the
     * chosen trunk. {@code splitSeed} left empty is the seed (of an ensemble: its first member's).
     */
    public static Map<String, String> rewardModelDefaults() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("name", "");
        v.put("snapshotId", "");
        v.put("baseModelId", "");
        v.put("learningRate", "");
        v.put("minLearningRate", "");
        v.put("epochs", "1");
        v.put("batchSize", "");
        v.put("microBatchSize", "8");
        v.put("validationFraction", "0.2");
        v.put("learningCurve", "");
        v.put("maxGradNorm", "1.0");
        v.put("normaliseGain", "false");
        v.put("checkpointEvery", "50");
        v.put("seed", "0");
        v.put("splitSeed", "");
        v.put("ensembleSize", "1");
        v.put("nLayer", "2");
        v.put("nHead", "2");
        v.put("nEmbd", "64");
        v.put("nPositions", "512");
        return v;
    }

    /**
     * The defaults of the {@link #TRUNK_DEPENDENT} fields, as form text: {@code RewardConfig.defaults()} (Stiennon et
     * al.: lr 1.5e-5 → 0, batch 64) for a registered (SFT or pretrained) trunk, {@code RewardConfig.scratchDefaults()}
     * (lr 1e-3 → 1e-4, batch 16) for a new trunk from scratch.
     */
    public static Map<String, String> rewardModelTrunkDefaults(boolean fromScratch) {
        RewardConfig d = RewardConfig.defaults(fromScratch);
        Map<String, String> v = new LinkedHashMap<>();
        v.put("learningRate", Double.toString(d.learningRate()));
        v.put("minLearningRate", Double.toString(d.minLearningRate()));
        v.put("batchSize", Integer.toString(d.batchSize()));
        return v;
    }

    public Result launchRewardModel(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = runName(values, errors);
        Long snapshotId = null;
        String snap = values.getOrDefault("snapshotId", "").strip();
        if (snap.isEmpty()) errors.put("snapshotId", "is required: freeze a label snapshot first");
        else {
            try {
                snapshotId = Long.parseLong(snap);
                if (!snapshots.exists(snapshotId)) errors.put("snapshotId", "no label snapshot " + snapshotId);
            } catch (NumberFormatException e) {
                errors.put("snapshotId", "must be a snapshot id");
            }
        }
        Long baseModelId = model(values, errors);
        Map<String, String> d = new LinkedHashMap<>(rewardModelDefaults());
        boolean fromScratch = values.getOrDefault("baseModelId", "").isBlank();
        d.putAll(rewardModelTrunkDefaults(fromScratch));         // empty trunk-dependent fields: the chosen trunk's defaults
        ObjectNode config = JSON.createObjectNode();
        for (String f : List.of("learningRate", "minLearningRate", "validationFraction", "maxGradNorm")) {
            number(values, f, Double.parseDouble(d.get(f)), config, errors);
        }
        for (String f : List.of("epochs", "batchSize", "microBatchSize", "checkpointEvery", "seed", "nLayer", "nHead", "nEmbd", "nPositions")) {
            integer(values, f, Integer.parseInt(d.get(f)), config, errors);
        }
        // the split by post: the seed unless given; shared by every member of an ensemble
        integer(values, "splitSeed", config.path("seed").asInt(0), config, errors);
        bool(values, "normaliseGain", false, config, errors);
        ObjectNode ensemble = JSON.createObjectNode();
        integer(values, "ensembleSize", 1, ensemble, errors);
        int members = ensemble.path("ensembleSize").asInt(1);
        if (members < 1 || members > 10) errors.put("ensembleSize", "must be between 1 and 10");
        if (config.has("learningRate") && !(config.get("learningRate").asDouble() > 0)) errors.put("learningRate", "must be a positive number");
        if (config.has("minLearningRate") && config.has("learningRate")
                && (config.get("minLearningRate").asDouble() < 0 || config.get("minLearningRate").asDouble() > config.get("learningRate").asDouble())) {
            errors.putIfAbsent("minLearningRate", "must be between 0 and learningRate" + (values.getOrDefault("minLearningRate", "").isBlank()
                    ? " (left empty it is " + d.get("minLearningRate") + ", the default for a trunk " + (fromScratch ? "from scratch)" : "from the registry)") : ""));
        }
        if (config.has("validationFraction") && !(config.get("validationFraction").asDouble() > 0 && config.get("validationFraction").asDouble() < 1)) {
            errors.put("validationFraction", "must be between 0 and 1");
        }
        if (config.has("maxGradNorm") && config.get("maxGradNorm").asDouble() < 0) errors.put("maxGradNorm", "must be ≥ 0");
        learningCurve(values.getOrDefault("learningCurve", ""), config, errors);
        for (String f : List.of("epochs", "batchSize", "microBatchSize", "checkpointEvery", "nLayer", "nHead", "nEmbd")) {
            if (config.has(f) && config.get(f).asInt() <= 0) errors.put(f, "must be positive");
        }
        if (config.has("nEmbd") && config.has("nHead") && config.get("nHead").asInt() > 0
                && config.get("nEmbd").asInt() % config.get("nHead").asInt() != 0) errors.put("nEmbd", "must be a multiple of nHead");
        if (config.has("nPositions") && config.get("nPositions").asInt() < 8) errors.put("nPositions", "must be at least 8");
        if (!errors.isEmpty()) return new Result(null, errors);
        if (members == 1) {
            long id = queue.enqueue(name, RunKind.REWARD_MODEL, JSON.writeValueAsString(config), baseModelId, snapshotId, userId);
            return new Result(id, Map.of());
        }
        // an ensemble: one run per member, seeds s, s+1, …, s+N−1 (init and data order), one split seed, all queued or none
        int seed = config.get("seed").asInt();
        Long snapshot = snapshotId;
        List<Long> ids = tx.execute(status -> {
            List<Long> queued = new java.util.ArrayList<>();
            for (int i = 0; i < members; i++) {
                config.put("seed", seed + i);
                queued.add(queue.enqueue(name + " · seed " + (seed + i), RunKind.REWARD_MODEL, JSON.writeValueAsString(config),
                        baseModelId, snapshot, userId));
            }
            return queued;
        });
        return new Result(ids.get(0), Map.of(), ids);
    }

    /**
     * The learning-curve fractions, comma-separated, each in (0, 1) (empty: no learning curve). Each one retrains a
     * fresh model on that fraction of the training examples, so a curve costs as many extra trainings.
     */
    private static void learningCurve(String raw, ObjectNode config, Map<String, String> errors) {
        if (raw == null || raw.isBlank()) return;
        tools.jackson.databind.node.ArrayNode fractions = config.putArray("learningCurve");
        for (String part : raw.split(",")) {
            try {
                double f = Double.parseDouble(part.strip());
                if (!(f > 0 && f < 1)) {
                    errors.put("learningCurve", "each fraction must be between 0 and 1");
                    return;
                }
                fractions.add(f);
            } catch (NumberFormatException e) {
                errors.put("learningCurve", "must be fractions separated by commas, e.g. 0.25, 0.5");
                return;
            }
        }
        if (fractions.size() > 10) errors.put("learningCurve", "at most 10 fractions");
    }

    /** The PPO form's fields: the inputs, then every {@link PpoConfig} field with its default. */
    public static Map<String, String> ppoDefaults() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("name", "");
        v.put("baseModelId", "");
        v.put("rewardModelId", "");
        v.put("maxPosts", "1000");
        PromptSet.defaults(v);
        PpoConfig.defaults().asMap().forEach((k, x) -> v.put(k, String.valueOf(x)));
        return v;
    }

    public Result launchPpo(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = runName(values, errors);
        Long policy = model(values, errors);
        if (policy == null && !errors.containsKey("baseModelId")) errors.put("baseModelId", "is required: the policy to start from (an SFT model)");
        String rmText = values.getOrDefault("rewardModelId", "").strip();
        Long rewardModel = null;
        if (rmText.isEmpty()) errors.put("rewardModelId", "is required");
        else {
            try {
                rewardModel = Long.parseLong(rmText);
                var rm = registry.find(rewardModel);
                if (rm.isEmpty()) errors.put("rewardModelId", "no model " + rewardModel + " in the registry");
                else if (!rm.get().kind().equals("REWARD_MODEL")) errors.put("rewardModelId", "model " + rewardModel + " is not a reward model");
            } catch (NumberFormatException e) {
                errors.put("rewardModelId", "must be a model id");
            }
        }
        ObjectNode config = JSON.createObjectNode();
        integer(values, "maxPosts", 1000, config, errors);
        if (config.has("maxPosts") && config.get("maxPosts").asInt() <= 0) errors.put("maxPosts", "must be positive");
        promptSet(values, config, errors);
        Map<String, String> ppo = new LinkedHashMap<>();
        for (String f : PpoConfig.fieldNames()) {
            String v = values.getOrDefault(f, "").strip();
            if (!v.isEmpty()) ppo.put(f, v);
        }
        try {
            PpoConfig checked = PpoConfig.defaults().with(ppo);
            ObjectNode node = config.putObject("ppo");
            checked.asMap().forEach((k, x) -> node.put(k, String.valueOf(x)));
        } catch (IllegalArgumentException e) {
            errors.put(ppoField(e.getMessage()), e.getMessage());
        }
        if (rewardModel != null) config.put("rewardModelId", rewardModel);
        if (!errors.isEmpty()) return new Result(null, errors);
        long id = queue.enqueue(name, RunKind.PPO, JSON.writeValueAsString(config), policy, null, userId);
        return new Result(id, Map.of());
    }

    /** The field a {@link PpoConfig} error names ("learningRate must be positive", "PPO config field x must be …"). */
    static String ppoField(String message) {
        if (message == null) return "ppo";
        String m = message.startsWith("PPO config field ") ? message.substring("PPO config field ".length()) : message;
        String first = m.split("[\\s(]", 2)[0];
        for (String f : PpoConfig.fieldNames()) if (f.equals(first)) return f;
        for (String f : PpoConfig.fieldNames()) if (message.contains(f)) return f;
        return "ppo";
    }

    /** The run's name: required, at most 100 characters (every run form: SFT, reward model, PPO, evaluation, selection). */
    public static String runName(Map<String, String> values, Map<String, String> errors) {
        String name = values.get("name") == null ? "" : values.get("name").strip();
        if (name.isEmpty()) errors.put("name", "is required");
        else if (name.length() > 100) errors.put("name", "must be at most 100 characters");
        return name;
    }

    private Long model(Map<String, String> values, Map<String, String> errors) {
        String base = values.getOrDefault("baseModelId", "").strip();
        if (base.isEmpty()) return null;
        try {
            long id = Long.parseLong(base);
            if (registry.find(id).isEmpty()) errors.put("baseModelId", "no model " + id + " in the registry");
            return id;
        } catch (NumberFormatException e) {
            errors.put("baseModelId", "must be a model id");
            return null;
        }
    }

    /** Launches an SFT run from form or JSON values (strings); missing hyperparameters take their defaults. */
    public Result launchSft(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = runName(values, errors);
        Long baseModelId = model(values, errors);
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
        promptSet(values, config, errors);
        if (!errors.isEmpty()) return new Result(null, errors);
        long id = queue.enqueue(name, RunKind.SFT, JSON.writeValueAsString(config), baseModelId, null, userId);
        return new Result(id, Map.of());
    }

    /** The prompt set's fields into {@code config}; a set that holds no post is refused on {@code promptSplit}. */
    private void promptSet(Map<String, String> values, ObjectNode config, Map<String, String> errors) {
        PromptSet.check(values, config, errors);
        if (!errors.containsKey("promptSplit") && !errors.containsKey("promptSubreddit")) {
            PromptSet set = PromptSet.of(config);
            if (promptSets.isEmpty(set)) errors.put("promptSplit", "no post with a summary in this prompt set (" + set.describe() + ")");
        }
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

    private static void bool(Map<String, String> values, String field, boolean fallback, ObjectNode out,
                             Map<String, String> errors) {
        String v = values.getOrDefault(field, "").strip().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "" -> out.put(field, fallback);
            case "true" -> out.put(field, true);
            case "false" -> out.put(field, false);
            default -> errors.put(field, "must be true or false");
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
