package dev.rlhf.web.runs;

import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SFT: {@link SftSpec} from the form, the initial model from the registry (or none: from scratch), {@link SftExecutor}. */
@Component
record SftRunType(RunInputs inputs, SftExecutor executor) implements RunType {
    /** Where the SFT form shows its fields: every field no group names is an optimisation one. */
    static final FormLayout LAYOUT = new FormLayout()
            .group(FormLayout.MODEL, "name", "baseModelId", "nLayer", "nHead", "nEmbd", "nPositions")
            .group(FormLayout.DATA, "maxPosts", "promptSplit", "promptSubreddit")
            .group(FormLayout.OPTIMISATION);

    @Override
    public RunKind kind() {
        return RunKind.SFT;
    }

    @Override
    public List<FormField> fields() {
        List<FormField> f = new ArrayList<>(List.of(FormField.of("name", ""), FormField.of("baseModelId", "")));
        f.addAll(SpecBinder.fields(SftSpec.defaults()));
        return LAYOUT.apply(kind(), f, FormLayout.OPTIMISATION);
    }

    @Override
    public RunLauncher.Result launch(Map<String, String> values, Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = RunInputs.name(values, errors);
        Long baseModelId = inputs.model(values, "baseModelId", Set.of(), errors);
        SpecBinder.Bound<SftSpec> spec = inputs.spec(SftSpec.class, SftSpec.defaults(), values);
        spec.errors().forEach(errors::putIfAbsent);
        if (spec.ok()) inputs.promptSetHasPosts(spec.spec().promptSet(), errors);
        if (!errors.isEmpty()) return RunLauncher.Result.refused(errors);
        return inputs.queue(name, kind(), SpecBinder.toJson(spec.spec()).toString(), baseModelId, null, userId);
    }
}
