package dev.rlhf.web.importing;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes summarize-from-feedback comparison lines (and TL;DR post lines) for tests. */
public final class FeedbackLines {
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private FeedbackLines() {
    }

    public static ObjectNode comparison(String postId, String batch, String split, String worker, Integer choice,
                                        Integer confidence, String... policyAndText) {
        ObjectNode line = JSON.createObjectNode();
        ObjectNode info = line.putObject("info");
        info.put("id", postId);
        info.put("post", "Body of " + postId + ": my roommate keeps eating my food and I do not know what to say.");
        info.put("title", "Title of " + postId);
        info.put("subreddit", "relationships");
        ArrayNode summaries = line.putArray("summaries");
        for (int i = 0; i < policyAndText.length; i += 2) {
            ObjectNode summary = summaries.addObject();
            summary.put("text", policyAndText[i + 1]);
            summary.put("policy", policyAndText[i]);
            summary.put("note", i == 0 ? "a note on " + policyAndText[i] : null);
        }
        line.put("choice", choice);
        line.put("worker", worker);
        line.put("batch", batch);
        line.put("split", split);
        line.putObject("extra").put("confidence", confidence);
        return line;
    }

    public static ObjectNode post(String id, String summary) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", id);
        line.put("subreddit", "AskReddit");
        line.put("title", "Title of " + id);
        line.put("post", "Body of " + id + ", long enough to need a summary.");
        line.put("summary", summary);
        return line;
    }

    public static Path write(Path dir, String name, List<?> lines) {
        try {
            Path file = dir.resolve(name);
            StringBuilder text = new StringBuilder();
            for (Object line : lines) {
                text.append(line instanceof String s ? s : JSON.writeValueAsString(line)).append('\n');
            }
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
