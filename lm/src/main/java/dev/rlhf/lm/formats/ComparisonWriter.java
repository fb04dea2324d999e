package dev.rlhf.lm.formats;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes comparisons as summarize-from-feedback jsonl, one object per line, readable by {@link ComparisonReader}. */
public final class ComparisonWriter implements AutoCloseable {

    private final Writer out;

    public ComparisonWriter(Writer out) {
        this.out = out;
    }

    public static ComparisonWriter open(Path file) throws IOException {
        return new ComparisonWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    public void write(Comparison c) throws IOException {
        JsonLines.write(out, toJson(c));
    }

    /** One comparison as its line's object (the web export writes these too). */
    public static JsonObject toJson(Comparison c) {
        JsonObject info = new JsonObject();
        info.addProperty("id", c.info().id());
        info.addProperty("post", c.info().post());
        info.addProperty("title", c.info().title());
        info.addProperty("subreddit", c.info().subreddit());
        JsonArray summaries = new JsonArray();
        for (Summary s : c.summaries()) {
            JsonObject so = new JsonObject();
            so.addProperty("text", s.text());
            so.addProperty("policy", s.policy());
            so.addProperty("note", s.note());
            summaries.add(so);
        }
        JsonObject o = new JsonObject();
        o.add("info", info);
        o.add("summaries", summaries);
        o.addProperty("choice", c.choice());
        o.addProperty("worker", c.worker());
        o.addProperty("batch", c.batch());
        o.addProperty("split", c.split());
        JsonObject extra = new JsonObject();
        extra.addProperty("confidence", c.confidence());
        o.add("extra", extra);
        return o;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Writes {@code comparisons} to {@code file}, replacing it. */
    public static void writeAll(Path file, Iterable<Comparison> comparisons) throws IOException {
        try (ComparisonWriter w = new ComparisonWriter(new BufferedWriter(
                Files.newBufferedWriter(file, StandardCharsets.UTF_8)))) {
            for (Comparison c : comparisons) w.write(c);
        }
    }
}
