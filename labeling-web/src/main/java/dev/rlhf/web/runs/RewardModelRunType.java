package dev.rlhf.web.runs;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A reward model on a label snapshot: {@link RewardModelSpec} from the form, the trunk from the registry (or new from
 * scratch), {@link RewardModelExecutor}. An ensemble of N is N runs queued together (seeds s … s+N−1, one split seed).
 */
@Component
record RewardModelRunType(RunInputs inputs, TransactionTemplate tx, RewardModelExecutor executor) implements RunType {
    /** Where the reward-model form shows its fields: the gain, the ensemble and the learning curve are its own. */
    static final FormLayout LAYOUT = new FormLayout()
            .group(FormLayout.MODEL, "name", "baseModelId", "nLayer", "nHead", "nEmbd", "nPositions")
            .group(FormLayout.DATA, "snapshotId", "validationFraction", "splitSeed")
            .group(FormLayout.OPTIMISATION, "learningRate", "minLearningRate", "epochs", "batchSize", "microBatchSize",
                    "maxGradNorm", "checkpointEvery", "seed", "precision");

    @Override
    public RunKind kind() {
        return RunKind.REWARD_MODEL;
    }

    /**
     * The inputs, then the spec's fields with their defaults; the {@link RewardModelSpec#TRUNK_DEPENDENT} fields are
     * empty (left empty, they take the chosen trunk's defaults), so is {@code splitSeed} (the seed).
     */
    @Override
    public List<FormField> fields() {
        Map<String, String> trunk = trunkDefaults(false), scratch = trunkDefaults(true);
        List<FormField> f = new ArrayList<>(List.of(FormField.of("name", ""), FormField.of("snapshotId", ""), FormField.of("baseModelId", "")));
        for (FormField field : SpecBinder.fields(RewardModelSpec.defaults(false))) {
            String name = field.name();
            if (RewardModelSpec.TRUNK_DEPENDENT.contains(name)) {
                String meaning = name.equals("batchSize") ? "comparisons per optimizer step" : FieldHelp.of(name);
                f.add(FormField.of(name, "").help(meaning + "; empty: " + trunk.get(name) + " with a registered trunk (Stiennon et al. 2020), "
                        + scratch.get(name) + " from scratch"));
            } else if (name.equals("splitSeed")) {
                f.add(FormField.of(name, "").help("seeds the validation split by post; empty: the seed; every member of an ensemble splits by its first member's seed"));
            } else if (name.equals("normaliseGain")) {
                f.add(field.help("true: after training, also scale the reward so the reference summaries have standard deviation 1, not only mean 0 (Ziegler et al. 2019)"));
            } else {
                f.add(field);
            }
        }
        return LAYOUT.apply(kind(), f, "Reward model details");
    }

    /** The defaults of the trunk-dependent fields, as form text, for a registered trunk or one from scratch. */
    static Map<String, String> trunkDefaults(boolean fromScratch) {
        RewardModelSpec d = RewardModelSpec.defaults(fromScratch);
        Map<String, String> v = new LinkedHashMap<>();
        v.put("learningRate", Double.toString(d.learningRate()));
        v.put("minLearningRate", Double.toString(d.minLearningRate()));
        v.put("batchSize", Integer.toString(d.batchSize()));
        return v;
    }

    @Override
    public Map<String, Object> formAttributes() {
        return Map.of("trunkDefaults", trunkDefaults(false), "scratchDefaults", trunkDefaults(true));
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunInputs.name(values, errors);
        Long snapshotId = inputs.snapshot(values, errors);
        Long baseModelId = inputs.model(values, "baseModelId", Set.of(), errors);
        boolean fromScratch = FormValues.text(values, "baseModelId").isEmpty();
        SpecBinder.Bound<RewardModelSpec> bound = inputs.spec(RewardModelSpec.class, RewardModelSpec.defaults(fromScratch), values);
        bound.errors().forEach(errors::putIfAbsent);
        if (errors.containsKey("minLearningRate") && FormValues.text(values, "minLearningRate").isEmpty()) {
            errors.put("minLearningRate", errors.get("minLearningRate") + " (left empty it is " + trunkDefaults(fromScratch).get("minLearningRate")
                    + ", the default for a trunk " + (fromScratch ? "from scratch)" : "from the registry)"));
        }
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        RewardModelSpec spec = bound.spec();
        if (spec.ensembleSize() == 1) {
            return inputs.queue(name, kind(), SpecBinder.toJson(spec.member(0)).toString(), baseModelId, snapshotId, userId);
        }
        List<Long> ids = tx.execute(status -> {
            List<Long> queued = new ArrayList<>();
            for (int i = 0; i < spec.ensembleSize(); i++) {
                RewardModelSpec member = spec.member(i);
                queued.add(inputs.enqueue(name + " · seed " + member.seed(), kind(),
                        SpecBinder.toJson(member).toString(), baseModelId, snapshotId, userId));
            }
            return queued;
        });
        return new RunLauncher.Result(ids.get(0), Map.of(), ids);
    }
}
