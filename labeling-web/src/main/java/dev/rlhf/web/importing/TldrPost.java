package dev.rlhf.web.importing;

import tools.jackson.databind.JsonNode;

/** One line of a TL;DR posts file: {@code {"id","subreddit","title","post","summary"}}; the summary is the reference. */
public record TldrPost(String id, String subreddit, String title, String post, String summary) {

    static TldrPost parse(long line, JsonNode json) {
        JsonFields fields = new JsonFields(line);
        return new TldrPost(
                fields.text(json, "id", "id", 128, false),
                fields.text(json, "subreddit", "subreddit", 128, false),
                fields.text(json, "title", "title", ImportLimits.TITLE, true),
                fields.text(json, "post", "post", ImportLimits.POST, false),
                fields.text(json, "summary", "summary", ImportLimits.SUMMARY, false));
    }
}
