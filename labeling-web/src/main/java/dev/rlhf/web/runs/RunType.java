package dev.rlhf.web.runs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kind of run, registered once: its kind, its form's fields (name, default, help, group), how a form or API body is
 * checked into a typed spec and queued, and the executor a worker runs it with. {@link RunTypes} collects every
 * registration; the launcher, the pages, the API and the worker look a kind up there and switch on nothing.
 */
public interface RunType {
    /** The kind, declared here only: its runs are queued as this kind and executed by {@link #executor()}. */
    RunKind kind();

    /** The form's fields in the order the form shows them, each in its group (see {@link FormLayout}). */
    List<FormField> fields();

    /** Checks every field by name and queues the run (or runs); an impossible value queues nothing. */
    RunLauncher.Result launch(Map<String, String> values, Long userId);

    RunExecutor executor();

    /** The form page's template. */
    default String template() {
        return "runs/new";
    }

    /** Model attributes the form page needs besides the fields (e.g. defaults that depend on another field). */
    default Map<String, Object> formAttributes() {
        return Map.of();
    }

    /** Model attributes the run's page needs besides the run (e.g. what a batch selection chose). */
    default Map<String, Object> runPageAttributes(long runId) {
        return Map.of();
    }

    /** The fields' defaults, in order, as form text. */
    default Map<String, String> defaults() {
        Map<String, String> v = new LinkedHashMap<>();
        fields().forEach(f -> v.put(f.name(), f.defaultValue()));
        return v;
    }
}
