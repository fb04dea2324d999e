package dev.rlhf.web.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a kind's form fields are shown: each named group (a fieldset with that legend, in the order the groups are
 * named) lists its fields; a field no group names goes to the last group, the kind's own ("PPO details"). A kind's
 * own help lines ({@link FieldHelp}) replace the shared ones. Each kind declares its layout once, next to its fields.
 */
public final class FormLayout {
    public static final String MODEL = "Model", DATA = "Data", OPTIMISATION = "Optimisation";

    private final Map<String, List<String>> groups = new LinkedHashMap<>();

    public FormLayout group(String legend, String... names) {
        groups.computeIfAbsent(legend, g -> new ArrayList<>()).addAll(List.of(names));
        return this;
    }

    /**
     * The fields with their groups, and {@code kind}'s own help lines ({@link FieldHelp#of(RunKind, String)}) where it
     * has them, ordered by group (each group keeps the fields' own order).
     */
    public List<FormField> apply(RunKind kind, List<FormField> fields, String rest) {
        Map<String, List<FormField>> byGroup = new LinkedHashMap<>();
        groups.keySet().forEach(g -> byGroup.put(g, new ArrayList<>()));
        byGroup.putIfAbsent(rest, new ArrayList<>());
        for (FormField f : fields) {
            String group = rest;
            for (var g : groups.entrySet()) if (g.getValue().contains(f.name())) group = g.getKey();
            String own = FieldHelp.of(kind, f.name());
            byGroup.get(group).add(own == null ? f.in(group) : f.in(group).help(own));
        }
        List<FormField> out = new ArrayList<>();
        byGroup.values().forEach(out::addAll);
        return out;
    }

    /** The fields by group, in order, for the form's fieldsets (a field without a group is shown under "Run"). */
    public static Map<String, List<FormField>> grouped(List<FormField> fields) {
        Map<String, List<FormField>> m = new LinkedHashMap<>();
        for (FormField f : fields) m.computeIfAbsent(f.group() == null ? "Run" : f.group(), g -> new ArrayList<>()).add(f);
        return m;
    }
}
