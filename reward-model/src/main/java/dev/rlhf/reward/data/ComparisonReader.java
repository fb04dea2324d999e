package dev.rlhf.reward.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rlhf.lm.data.JsonLines;
import dev.rlhf.lm.data.JsonlFormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads summarize-from-feedback comparisons jsonl one line at a time (bounded memory):
 * {@code {"info":{"id","post","title","subreddit"},"summaries":[{"text","policy","note"}…],"choice","worker",
 * "batch","split","extra":{"confidence"}}}.
 *
 * <p>A line is refused with a {@link JsonlFormatException} naming the source, the line number and the field when it
 * is not a JSON object, lacks {@code info.id}, {@code info.post} (or {@code info.article}), {@code summaries} or
 * {@code choice}, has fewer than two summaries, a summary with an empty text, a choice that is not an index of the
 * summaries, or a confidence outside 1..9. Blank lines are skipped.
 */
public final class ComparisonReader {

    private ComparisonReader() {
    }

    /** Streams every comparison of {@code file} to {@code sink}, in file order; returns how many were read. */
    public static long forEach(Path file, Consumer<Comparison> sink) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return forEach(in, file.toString(), sink);
        }
    }

    public static long forEach(BufferedReader in, String source, Consumer<Comparison> sink) throws IOException {
        return JsonLines.forEach(in, source, ComparisonReader::parse, sink);
    }

    /** Every comparison of a file, for snapshots that fit in memory. */
    public static List<Comparison> readAll(Path file) throws IOException {
        List<Comparison> all = new ArrayList<>();
        forEach(file, all::add);
        return all;
    }

    /** One line; {@code source} and {@code lineNo} only name the place in errors. */
    public static Comparison parse(String line, String source, long lineNo) {
        return parse(JsonLines.object(line, source, lineNo), source, lineNo);
    }

    static Comparison parse(JsonObject o, String source, long lineNo) {
        Field f = new Field(source, lineNo);
        JsonObject info = f.object(o, "info", "info");
        String id = f.string(info, "id", "info.id", true);
        String post = info.has("post") && !info.get("post").isJsonNull()
                ? f.string(info, "post", "info.post", true)
                : f.string(info, "article", "info.post", true);   // the CNN/DM part of the data names it "article"
        PostInfo postInfo = new PostInfo(id, post, f.string(info, "title", "info.title", false),
                f.string(info, "subreddit", "info.subreddit", false));

        JsonElement s = o.get("summaries");
        if (s == null || s.isJsonNull()) throw f.error("field \"summaries\" is missing");
        if (!s.isJsonArray()) throw f.error("field \"summaries\" must be an array");
        JsonArray array = s.getAsJsonArray();
        if (array.size() < 2) {
            throw f.error("field \"summaries\" has " + array.size() + " summar" + (array.size() == 1 ? "y" : "ies")
                    + ", a comparison needs at least two");
        }
        List<Summary> summaries = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String where = "summaries[" + i + "]";
            if (!array.get(i).isJsonObject()) throw f.error("field \"" + where + "\" must be an object");
            JsonObject so = array.get(i).getAsJsonObject();
            String text = f.string(so, "text", where + ".text", true);
            if (text.isBlank()) throw f.error("field \"" + where + ".text\" is empty");
            summaries.add(new Summary(text, f.string(so, "policy", where + ".policy", false),
                    f.string(so, "note", where + ".note", false)));
        }

        JsonElement c = o.get("choice");
        if (c == null || c.isJsonNull()) throw f.error("field \"choice\" is missing");
        int choice;
        try {
            double d = c.getAsDouble();
            if (d != Math.rint(d)) throw new NumberFormatException();
            choice = (int) d;
        } catch (RuntimeException e) {
            throw f.error("field \"choice\" must be an integer, was " + c);
        }
        if (choice < 0 || choice >= summaries.size()) {
            throw f.error("field \"choice\" is " + choice + ", not an index of the " + summaries.size() + " summaries");
        }

        Integer confidence = null;
        if (o.has("extra") && o.get("extra").isJsonObject()) {
            JsonElement ce = o.getAsJsonObject("extra").get("confidence");
            if (ce != null && !ce.isJsonNull()) {
                try {
                    confidence = ce.getAsInt();
                } catch (RuntimeException e) {
                    throw f.error("field \"extra.confidence\" must be an integer 1..9, was " + ce);
                }
                if (confidence < 1 || confidence > 9) {
                    throw f.error("field \"extra.confidence\" is " + confidence + ", outside 1..9");
                }
            }
        }
        return new Comparison(postInfo, summaries, choice, f.string(o, "worker", "worker", false),
                f.string(o, "batch", "batch", false), f.string(o, "split", "split", false), confidence);
    }

    /** Field access that names the line and the field in every error. */
    private record Field(String source, long lineNo) {

        JsonlFormatException error(String problem) {
            return new JsonlFormatException(source, lineNo, problem);
        }

        JsonObject object(JsonObject o, String key, String name) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) throw error("field \"" + name + "\" is missing");
            if (!e.isJsonObject()) throw error("field \"" + name + "\" must be an object");
            return e.getAsJsonObject();
        }

        String string(JsonObject o, String key, String name, boolean required) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                if (required) throw error("field \"" + name + "\" is missing");
                return null;
            }
            if (!e.isJsonPrimitive()) throw error("field \"" + name + "\" must be a string");
            return e.getAsString();
        }
    }

}
