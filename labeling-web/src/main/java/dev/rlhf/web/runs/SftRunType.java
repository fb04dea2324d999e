package dev.rlhf.web.runs;

import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SFT: {@link SftSpec} from the form, the initial model from the registry (or none: from scratch), {@link SftExecutor}. */
@Component
class SftRunType implements RunType {
    private final RunInputs inputs;
    private final SftExecutor executor;

    SftRunType(RunInputs inputs, SftExecutor executor) {
        this.inputs = inputs;
        this.executor = executor;
    }

    @Override
    public RunKind kind() {
        return RunKind.SFT;
    }

    @Override
    public List<FormField> fields() {
        List<FormField> f = new ArrayList<>(List.of(FormField.of("name", ""), FormField.of("baseModelId", "")));
        f.addAll(SpecBinder.fields(SftSpec.defaults()));
        return f;
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
        return inputs.queue(name, RunKind.SFT, SpecBinder.toJson(spec.spec()).toString(), baseModelId, null, userId);
    }

    @Override
    public RunExecutor executor() {
        return executor;
    }
}
