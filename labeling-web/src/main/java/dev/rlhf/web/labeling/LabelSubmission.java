package dev.rlhf.web.labeling;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A labeler's answer as sent from the screen: {@code confidence} (pairwise, screen scale 1-9) or
 * {@code choice} (best-of-4, screen position 0-3), optional flags and note, and the idempotency key.
 */
public record LabelSubmission(Long assignmentId, String idempotencyKey, Integer confidence, Integer choice,
                              List<String> flags, String note) {
    private static final List<String> FIELDS = List.of("assignmentId", "idempotencyKey", "confidence", "choice",
            "flags", "note");

    /**
     * Reads the JSON API's body with strict types, each refusal naming its field: numbers must be JSON integers
     * ({@code 2.7}, {@code 1e0} and {@code "3"} are refused, never rounded or parsed), texts JSON strings ({@code 123}
     * is not a note), {@code flags} an array of strings; a field the API does not know is refused too. Absent and
     * {@code null} are the same.
     */
    static LabelSubmission fromJson(JsonNode body) {
        StrictJson.checkFields(body, FIELDS, "a label");
        Integer assignmentId = integer(body, "assignmentId");
        return new LabelSubmission(assignmentId == null ? null : assignmentId.longValue(),
                StrictJson.text(body, "idempotencyKey"), integer(body, "confidence"), integer(body, "choice"), flags(body),
                StrictJson.text(body, "note"));
    }

    private static Integer integer(JsonNode body, String field) {
        JsonNode node = StrictJson.value(body, field);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw LabelingException.badField(field, field + " must be a whole number (a JSON integer), got " + node);
        }
        return node.intValue();
    }

    private static List<String> flags(JsonNode body) {
        JsonNode node = StrictJson.value(body, "flags");
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw LabelingException.badField("flags", "flags must be an array of strings, got " + node);
        }
        List<String> flags = new ArrayList<>();
        for (JsonNode flag : node.values()) {
            if (!flag.isString()) {
                throw LabelingException.badField("flags", "flags must be an array of strings, got " + flag);
            }
            flags.add(flag.stringValue());
        }
        return flags;
    }
}
