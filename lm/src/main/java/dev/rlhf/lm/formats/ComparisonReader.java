package dev.rlhf.lm.formats;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads summarize-from-feedback comparisons jsonl one line at a time (bounded memory):
 * {@code {"info":{"id","post","title","subreddit"},"summaries":[{"text","policy","note"}…],"choice","worker",
 * "batch","split","extra":{"confidence"}}}.
 *
 * <p>The one parser of this format, for the trainers and the web import alike. A line is refused with a
 * {@link JsonlFormatException} naming the source, the line number and the field when it is not a JSON object, lacks
 * {@code info.id}, {@code info.post} (or {@code info.article}), {@code summaries} or {@code choice} (a tie may omit
 * it where ties are allowed), has fewer than two summaries, a summary with an empty text, a text field that is not
 * a string, a choice that is not an index of the summaries, or a confidence outside 1..9. Blank lines are skipped.
 * The web import adds its own rules (lengths, splits, who labelled) on top.
 */
public final class ComparisonReader {

    private ComparisonReader() {
    }

    /** Every comparison of a file, for snapshots that fit in memory. */
    public static List<Comparison> readAll(Path file) throws IOException {
        return JsonLines.readAll(file, ComparisonReader::parse);
    }

    /** One line; {@code source} and {@code lineNo} only name the place in errors. */
    public static Comparison parse(String line, String source, long lineNo) {
        return parse(JsonLines.object(line, source, lineNo), source, lineNo);
    }

    /** One line's object, for trainers: every comparison has a choice. */
    public static Comparison parse(JsonObject o, String source, long lineNo) {
        return parse(o, source, lineNo, false);
    }

    /**
     * One line's object. With {@code ties}, a pairwise comparison with {@code extra.confidence} 5 may have a null (or
     * no) choice: a tie, as the labeling platform stores it.
     */
    public static Comparison parse(JsonObject o, String source, long lineNo, boolean ties) {
        JsonFields f = new JsonFields(source, lineNo);
        JsonObject info = f.object(o, "info", "info");
        String id = f.text(info, "id", "info.id");
        String post = info.has("post") && !info.get("post").isJsonNull()
                ? f.text(info, "post", "info.post")
                : info.has("article") ? f.text(info, "article", "info.post")   // the CNN/DM part names it "article"
                : f.text(info, "post", "info.post");
        PostInfo postInfo = new PostInfo(id, post, f.string(info, "title", "info.title", false),
                f.string(info, "subreddit", "info.subreddit", false));

        JsonElement s = o.get("summaries");
        if (s == null || s.isJsonNull()) throw f.bad("summaries", "is required");
        if (!s.isJsonArray() || s.getAsJsonArray().size() < 2) {
            throw f.bad("summaries", "must be an array of at least 2 summaries"
                    + (s.isJsonArray() ? ", has " + s.getAsJsonArray().size() : ""));
        }
        JsonArray array = s.getAsJsonArray();
        List<Summary> summaries = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String where = "summaries[" + i + "]";
            if (!array.get(i).isJsonObject()) throw f.bad(where, "must be an object");
            JsonObject so = array.get(i).getAsJsonObject();
            summaries.add(new Summary(f.text(so, "text", where + ".text"),
                    f.string(so, "policy", where + ".policy", false), f.string(so, "note", where + ".note", false)));
        }

        JsonElement extra = o.get("extra");
        if (extra != null && !extra.isJsonNull() && !extra.isJsonObject()) throw f.bad("extra", "must be an object");
        Integer confidence = f.optionalInt(extra == null || extra.isJsonNull() ? null : extra.getAsJsonObject(),
                "confidence", "extra.confidence", 1, 9);
        Integer choice = f.optionalInt(o, "choice", "choice", 0, summaries.size() - 1);
        if (choice == null && !(ties && summaries.size() == 2 && Integer.valueOf(5).equals(confidence))) {
            throw f.bad("choice", ties ? "is required (null only for a pairwise tie with extra.confidence 5)"
                    : "is required");
        }
        return new Comparison(postInfo, summaries, choice, f.string(o, "worker", "worker", false),
                f.string(o, "batch", "batch", false), f.string(o, "split", "split", false), confidence);
    }
}
