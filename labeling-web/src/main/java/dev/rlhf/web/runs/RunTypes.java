package dev.rlhf.web.runs;

import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every registered {@link RunType}, by kind; every {@link RunKind} must have exactly one. */
@Component
public class RunTypes {
    private final Map<RunKind, RunType> types = new EnumMap<>(RunKind.class);

    public RunTypes(List<RunType> registered) {
        for (RunType t : registered) {
            if (types.put(t.kind(), t) != null) throw new IllegalStateException("two registrations of run kind " + t.kind());
        }
        for (RunKind k : RunKind.values()) {
            if (!types.containsKey(k)) throw new IllegalStateException("no registration of run kind " + k);
        }
    }

    /** The kind named by {@code name} (a {@code runs.kind} value or a form's {@code kind}), if registered. */
    public Optional<RunType> find(String name) {
        for (RunType t : types.values()) if (t.kind().name().equals(name)) return Optional.of(t);
        return Optional.empty();
    }

    public RunType get(RunKind kind) {
        return types.get(kind);
    }

    public Collection<RunType> all() {
        return types.values();
    }

    /** The kinds' names, for an error that lists them: "SFT, REWARD_MODEL, …". */
    public String names() {
        return String.join(", ", types.keySet().stream().map(Enum::name).toList());
    }

    /** The executors by kind, for the workers. */
    public Map<RunKind, RunExecutor> executors() {
        Map<RunKind, RunExecutor> m = new EnumMap<>(RunKind.class);
        types.forEach((k, t) -> m.put(k, t.executor()));
        return m;
    }
}
