package dev.rlhf.web.runs;

import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Map;

/**
 * Queues a run from a form or an API body: the {@link RunType} named by {@code kind} (SFT when absent) checks every
 * field by name and queues it.
 */
@Service
public record RunLauncher(RunTypes types) {
    /** The queued run (the first, where a form queues several: {@code runIds}), or the refused fields. */
    public record Result(Long runId, Map<String, String> errors, List<Long> runIds) {
        public static Result queued(long runId) {
            return new Result(runId, Map.of(), List.of(runId));
        }

        public static Result refused(Map<String, String> errors) {
            return new Result(null, errors, List.of());
        }

        public boolean ok() {
            return runId != null;
        }
    }

    public Result launch(Map<String, String> values, Long userId) {
        String kind = FormValues.text(values, "kind");
        return types.find(kind.isEmpty() ? RunKind.SFT.name() : kind)
                .map(t -> t.launch(values, userId))
                .orElseGet(() -> Result.refused(Map.of("kind", "must be one of " + types.names())));
    }
}
