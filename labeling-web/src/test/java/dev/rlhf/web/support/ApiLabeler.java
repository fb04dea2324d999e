package dev.rlhf.web.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * A labeler scripting the JSON API: takes an assignment and answers it (pairwise: a confidence; best-of-4: a
 * choice), each answer with a fresh idempotency key. {@link #submit()} returns what the server said.
 */
public final class ApiLabeler {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An answered request: the key sent, the HTTP status, and the label id of a 201. */
    public record Answer(String idempotencyKey, long assignmentId, int status, Long labelId, String contentType, String body,
                         long atNanos) {
        public boolean acknowledged() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpSession session;
    private JsonNode current;

    public ApiLabeler(HttpSession session) {
        this.session = session;
    }

    /** Takes the current or next assignment; false when there is no work. */
    public boolean next() throws IOException, InterruptedException {
        HttpResponse<String> r = session.postJson("/api/labeling/next", "");
        if (r.statusCode() == 204) {
            current = null;
            return false;
        }
        if (r.statusCode() != 200) throw new IOException("/api/labeling/next: " + r.statusCode() + " " + r.body());
        current = JSON.readTree(r.body());
        return true;
    }

    /** A {@code /next} answer of any status. */
    public record Next(int status, String contentType, String body) {
    }

    /** Asks for the current or next assignment; a 200 makes it current, a 204 leaves no work, others change nothing. */
    public Next nextOrStatus() throws IOException, InterruptedException {
        HttpResponse<String> r = session.postJson("/api/labeling/next", "");
        if (r.statusCode() == 200) current = JSON.readTree(r.body());
        if (r.statusCode() == 204) current = null;
        return new Next(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    public boolean hasWork() {
        return current != null;
    }

    /** Answers the current assignment with submit-and-next; the next assignment becomes current on a 201. */
    public Answer submit() throws IOException, InterruptedException {
        long assignment = current.get("assignmentId").asLong();
        String key = "k" + UUID.randomUUID().toString().replace("-", "");
        String answer = "PAIRWISE".equals(current.get("mode").asString()) ? "\"confidence\": 2" : "\"choice\": 1";
        HttpResponse<String> r = session.postJson("/api/labeling/labels-and-next",
                "{\"assignmentId\": " + assignment + ", \"idempotencyKey\": \"" + key + "\", " + answer + "}");
        Long labelId = null;
        if (r.statusCode() == 201) {
            JsonNode body = JSON.readTree(r.body());
            labelId = body.get("label").get("labelId").asLong();
            JsonNode next = body.get("next");
            current = next == null || next.isNull() ? null : next;
        }
        return new Answer(key, assignment, r.statusCode(), labelId, r.headers().firstValue("Content-Type").orElse(""),
                r.body(), System.nanoTime());
    }
}
