package dev.rlhf.web.labeling;

import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * A labeler hands their assignment back: a {@link SkipReason} code and an optional text (at most
 * {@link SkipService#MAX_TEXT_LENGTH} characters).
 */
public record SkipRequest(Long assignmentId, String reason, String text) {
    private static final List<String> FIELDS = List.of("assignmentId", "reason", "text");

    /** Reads the JSON API's body with strict types, as {@link LabelSubmission#fromJson} does. */
    static SkipRequest fromJson(JsonNode body) {
        StrictJson.checkFields(body, FIELDS, "a skip");
        JsonNode id = body.get("assignmentId");
        Long assignmentId = null;
        if (id != null && !id.isNull()) {
            if (!id.isIntegralNumber() || !id.canConvertToLong()) {
                throw LabelingException.badField("assignmentId", "assignmentId must be a whole number (a JSON integer), got " + id);
            }
            assignmentId = id.longValue();
        }
        return new SkipRequest(assignmentId, StrictJson.text(body, "reason"), StrictJson.text(body, "text"));
    }
}
