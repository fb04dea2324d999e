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
record DpoRunType(RunInputs inputs, DpoExecutor executor) implements RunType {
    /** Where the DPO form shows its fields: the loss and its β are the DPO details. */
    static final FormLayout LAYOUT = new FormLayout()
            .group(FormLayout.MODEL, "name", "baseModelId")
            .group(FormLayout.DATA, "snapshotId", "validationFraction", "maxLength")
            .group(FormLayout.OPTIMISATION, "steps", "batchSize", "learningRate", "minLearningRate", "warmupSteps",
                    "maxGradNorm", "weightDecay", "adamBeta1", "adamBeta2", "adamEps", "forwardBatchSize",
                    "checkpointEvery", "seed");

    @Override
    public RunKind kind() {
        return RunKind.DPO;
    }

    @Override
    public List<FormField> fields() {
        List<FormField> f = new ArrayList<>(List.of(FormField.of("name", ""), FormField.of("snapshotId", ""),
                FormField.of("baseModelId", "")));
        f.addAll(SpecBinder.fields(DpoConfig.defaults()));
        return LAYOUT.apply(kind(), f, "DPO details");
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunInputs.name(values, errors);
        Long snapshotId = inputs.snapshot(values, errors);
        Long policy = inputs.requiredModel(values, "baseModelId", ModelKinds.POLICIES,
                ": the policy to start from (an SFT model), also the frozen reference", errors);
        DpoConfig config = ConfigForm.bind(DpoConfig.defaults(), values, errors, "DPO");
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        ObjectNode stored = JsonNodeFactory.instance.objectNode();
        stored.set("dpo", SpecBinder.toJson(config));
        return inputs.queue(name, kind(), stored.toString(), policy, snapshotId, userId);
    }
}
