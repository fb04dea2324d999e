package dev.rlhf.web.runs;

import dev.rlhf.ppo.ConfigFields;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trainer's config record (DpoConfig, RlooConfig…) read from form text or a stored run config: every field by name
 * over the record's defaults, checked by the record itself; a refused value is reported under the field it names.
 */
final class ConfigForm {

    private ConfigForm() {}

    /** The config from the form's non-empty fields over {@code defaults}; null, with the error keyed, when refused. */
    static <R extends Record> R bind(R defaults, Map<String, String> values, Map<String, String> errors, String what) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String f : ConfigFields.names(defaults.getClass())) {
            String v = FormValues.text(values, f);
            if (!v.isEmpty()) set.put(f, v);
        }
        try {
            return ConfigFields.with(defaults, set, what);
        } catch (IllegalArgumentException e) {
            errors.put(field(e.getMessage(), ConfigFields.names(defaults.getClass()), what), e.getMessage());
            return null;
        }
    }

    /** The config stored under {@code node} (field → value) over {@code defaults}. */
    static <R extends Record> R stored(R defaults, JsonNode node, String what) {
        Map<String, String> values = new LinkedHashMap<>();
        node.properties().forEach(e -> values.put(e.getKey(), e.getValue().asString()));
        return ConfigFields.with(defaults, values, what);
    }

    /** The field a config error names ("beta must be positive", "DPO config field steps must be …"). */
    static String field(String message, String[] names, String what) {
        if (message == null) return what.toLowerCase(java.util.Locale.ROOT);
        String prefix = what + " config field ";
        String m = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        String first = m.split("[\\s(]", 2)[0];
        for (String f : names) if (f.equals(first)) return f;
        for (String f : names) if (message.contains(f)) return f;
        return what.toLowerCase(java.util.Locale.ROOT);
    }
}
