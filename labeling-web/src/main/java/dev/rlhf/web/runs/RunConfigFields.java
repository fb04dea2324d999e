package dev.rlhf.web.runs;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's stored (resolved) config as fields: flattened with dotted names for the compare page ({@code ppo.klCoef}),
 * or as the form text of its kind's form (a nested trainer config's fields are the form's own fields), so a run can be
 * launched again with changes.
 */
public final class RunConfigFields {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RunConfigFields() {}

    /** Every field of the run: its kind, its model and snapshot ids, then its config's fields flattened, in order. */
    public static Map<String, String> flat(Run run) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("kind", run.kind());
        out.put("baseModelId", run.baseModelId() == null ? "" : run.baseModelId().toString());
        out.put("snapshotId", run.snapshotId() == null ? "" : run.snapshotId().toString());
        flatten("", read(run), out);
        return out;
    }

    /**
     * The form text that launches {@code run} again: the form's {@code defaults} overlaid with the stored config's
     * fields the form has (nested ones by their own name), the run's model and snapshot, and the name "… (again)".
     */
    public static Map<String, String> formValues(Run run, Map<String, String> defaults) {
        Map<String, String> values = new LinkedHashMap<>(defaults);
        Map<String, String> leaves = new LinkedHashMap<>();
        leaves(read(run), leaves);
        leaves.forEach((k, v) -> { if (values.containsKey(k)) values.put(k, v); });
        if (values.containsKey("baseModelId")) values.put("baseModelId", run.baseModelId() == null ? "" : run.baseModelId().toString());
        if (values.containsKey("snapshotId") && run.snapshotId() != null) values.put("snapshotId", run.snapshotId().toString());
        String name = run.name() + " (again)";
        values.put("name", name.length() > 100 ? name.substring(0, 100) : name);
        return values;
    }

    private static JsonNode read(Run run) {
        return run.config() == null || run.config().isBlank() ? JSON.createObjectNode() : JSON.readTree(run.config());
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        node.properties().forEach(e -> {
            if (e.getValue().isObject()) flatten(prefix + e.getKey() + ".", e.getValue(), out);
            else out.put(prefix + e.getKey(), text(e.getValue()));
        });
    }

    private static void leaves(JsonNode node, Map<String, String> out) {
        node.properties().forEach(e -> {
            if (e.getValue().isObject()) leaves(e.getValue(), out);
            else out.putIfAbsent(e.getKey(), text(e.getValue()));
        });
    }

    /** A value as form text: a list's items separated by ", ", null as empty. */
    private static String text(JsonNode n) {
        if (n.isNull()) return "";
        if (n.isArray()) {
            List<String> items = new ArrayList<>();
            n.forEach(x -> items.add(x.asString()));
            return String.join(", ", items);
        }
        return n.asString();
    }

    /** One row of the config diff: a field, its value in each run (empty where a run has none), whether they differ. */
    public record DiffRow(String field, List<String> values, boolean differs) {}

    /** Every field of any of {@code runs}, one value per run; the differing rows first, each part in field order. */
    public static List<DiffRow> diff(List<Run> runs) {
        List<Map<String, String>> flats = runs.stream().map(RunConfigFields::flat).toList();
        List<String> fields = new ArrayList<>();
        flats.forEach(m -> m.keySet().forEach(k -> { if (!fields.contains(k)) fields.add(k); }));
        List<DiffRow> differ = new ArrayList<>(), same = new ArrayList<>();
        for (String f : fields) {
            List<String> values = flats.stream().map(m -> m.getOrDefault(f, "")).toList();
            boolean differs = values.stream().distinct().count() > 1;
            (differs ? differ : same).add(new DiffRow(f, values, differs));
        }
        differ.addAll(same);
        return differ;
    }
}
