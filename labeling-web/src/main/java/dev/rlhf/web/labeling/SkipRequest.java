package dev.rlhf.web.labeling;

import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/**
 * A labeler hands their assignment back: a {@link SkipReason} code and an optional text (at most
 * {@link SkipService#MAX_TEXT_LENGTH} characters).
 */
public record SkipRequest(Long assignmentId, String reason, String text) {
    private static final List<String> FIELDS = List.of("assignmentId", "reason", "text");
    private static final Set<String> KNOWN = Set.copyOf(FIELDS);

    /** Reads the JSON API's body with strict types, as {@link LabelSubmission#fromJson} does. */
    static SkipRequest fromJson(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw LabelingException.badField(null, "the request body must be a JSON object with the fields " + FIELDS);
        }
        for (String name : body.propertyNames()) {
            if (!KNOWN.contains(name)) {
                throw LabelingException.badField(name, "unknown field '" + name + "'; a skip has the fields " + FIELDS);
            }
        }
        JsonNode id = body.get("assignmentId");
        Long assignmentId = null;
        if (id != null && !id.isNull()) {
            if (!id.isIntegralNumber() || !id.canConvertToLong()) {
                throw LabelingException.badField("assignmentId", "assignmentId must be a whole number (a JSON integer), got " + id);
            }
            assignmentId = id.longValue();
        }
        return new SkipRequest(assignmentId, text(body, "reason"), text(body, "text"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw LabelingException.badField(field, field + " must be a JSON string, got " + node);
        }
        return node.stringValue();
    }
}
