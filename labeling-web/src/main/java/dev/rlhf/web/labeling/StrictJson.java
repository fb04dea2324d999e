package dev.rlhf.web.labeling;

import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * Reads a JSON API body with strict types, each refusal naming its field: a field the API does not know is refused,
 * a text must be a JSON string ({@code 123} is not a note); absent and {@code null} are the same.
 */
final class StrictJson {
    private StrictJson() {}

    /** Refuses a body that is not a JSON object, or that has a field not in {@code fields} ({@code what}: "a label"). */
    static void checkFields(JsonNode body, List<String> fields, String what) {
        if (body == null || !body.isObject()) {
            throw LabelingException.badField(null, "the request body must be a JSON object with the fields " + fields);
        }
        for (String name : body.propertyNames()) {
            if (!fields.contains(name)) {
                throw LabelingException.badField(name, "unknown field '" + name + "'; " + what + " has the fields " + fields);
            }
        }
    }

    /** The field's value, or null when it is absent or JSON {@code null}. */
    static JsonNode value(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node == null || node.isNull() ? null : node;
    }

    static String text(JsonNode body, String field) {
        JsonNode node = value(body, field);
        if (node == null) {
            return null;
        }
        if (!node.isString()) {
            throw LabelingException.badField(field, field + " must be a JSON string, got " + node);
        }
        return node.stringValue();
    }
}
