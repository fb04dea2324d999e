package dev.rlhf.lm.formats;

import com.google.gson.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads TL;DR posts jsonl one line at a time (bounded memory). A line that is not a JSON object, or lacks one of
 * {@code id, subreddit, title, post, summary} as a string, is refused with its line number and field.
 * Blank lines are skipped.
 */
public final class TldrReader {
    private TldrReader() {
    }

    /** Streams every post of {@code file} to {@code sink}, in file order; returns how many were read. */
    public static long forEach(Path file, Consumer<TldrPost> sink) throws IOException {
        return JsonLines.forEach(file, TldrReader::parse, sink);
    }

    public static long forEach(BufferedReader in, String source, Consumer<TldrPost> sink) throws IOException {
        return JsonLines.forEach(in, source, TldrReader::parse, sink);
    }

    /** All posts of a file: for data sets that fit in memory (SFT on a laptop); large files use {@link #forEach}. */
    public static List<TldrPost> readAll(Path file) throws IOException {
        return JsonLines.readAll(file, TldrReader::parse);
    }

    /** One line's object; {@code source} and {@code lineNo} only name the place in errors. */
    public static TldrPost parse(JsonObject o, String source, long lineNo) {
        JsonFields f = new JsonFields(source, lineNo);
        return new TldrPost(f.text(o, "id", "id"), f.string(o, "subreddit", "subreddit", true),
                f.string(o, "title", "title", true), f.text(o, "post", "post"), f.string(o, "summary", "summary", true));
    }
}
