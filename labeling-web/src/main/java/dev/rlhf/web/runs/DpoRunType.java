package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelKinds;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.snapshots.PromptSet;
import dev.rlhf.web.snapshots.PromptSets;
import dev.rlhf.dpo.DpoConfig;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DPO: a label snapshot (pairwise labels; best-of-4 as its implied pairs), the SFT model to start from (also the frozen
 * reference), every {@link DpoConfig} field (its defaults, its checks), {@link DpoExecutor}. Stored as
 * {@code {dpo: {every DpoConfig field}}}.
 */
@Component
class DpoRunType implements RunType {
    private final RunQueue queue;
    private final RunInputs inputs;
    private final DpoExecutor executor;

    DpoRunType(RunQueue queue, RunInputs inputs, DpoExecutor executor) {
        this.queue = queue;
        this.inputs = inputs;
        this.executor = executor;
    }

    @Override
    public RunKind kind() {
        return RunKind.DPO;
    }

    @Override
    public List<FormField> fields() {
        List<FormField> f = new ArrayList<>(List.of(FormField.of("name", ""), FormField.of("snapshotId", ""),
                FormField.of("baseModelId", "")));
        for (FormField field : SpecBinder.fields(DpoConfig.defaults())) {
            f.add(switch (field.name()) {
                case "beta" -> field.help("strength of the implicit KL constraint to the reference (Rafailov et al. 2023: 0.1)");
                case "loss" -> field.help("sigmoid (DPO) or ipo (Azar et al. 2023)");
                case "labelSmoothing" -> field.help("probability that a label is wrong (conservative DPO); sigmoid only");
                case "validationFraction" -> field.help("share of the snapshot's posts held out to measure the implicit reward's accuracy");
                default -> field;
            });
        }
        return f;
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunInputs.name(values, errors);
        Long snapshotId = inputs.snapshot(values, errors);
        Long policy = inputs.model(values, "baseModelId", ModelKinds.POLICIES, errors);
        if (policy == null && !errors.containsKey("baseModelId")) {
            errors.put("baseModelId", "is required: the policy to start from (an SFT model), also the frozen reference");
        }
        DpoConfig config = ConfigForm.bind(DpoConfig.defaults(), values, errors, "DPO");
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        ObjectNode stored = JsonNodeFactory.instance.objectNode();
        stored.set("dpo", SpecBinder.toJson(config));
        return RunLauncher.Result.queued(queue.enqueue(name, RunKind.DPO, stored.toString(), policy, snapshotId, userId));
    }

    @Override
    public RunExecutor executor() {
        return executor;
    }
}
