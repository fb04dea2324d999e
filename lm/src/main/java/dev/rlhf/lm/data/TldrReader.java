package dev.rlhf.lm.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads TL;DR posts jsonl one line at a time (bounded memory). A line that is not a JSON object, or lacks one of
 * {@code id, subreddit, title, post, summary} as a string, is refused with its line number and field.
 * Blank lines are skipped.
 */
public final class TldrReader {
    private static final String[] FIELDS = {"id", "subreddit", "title", "post", "summary"};

    private TldrReader() {
    }

    /** Streams every post of {@code file} to {@code sink}, in file order; returns how many were read. */
    public static long forEach(Path file, Consumer<TldrPost> sink) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return forEach(in, file.toString(), sink);
        }
    }

    public static long forEach(BufferedReader in, String source, Consumer<TldrPost> sink) throws IOException {
        return JsonLines.forEach(in, source, TldrReader::parse, sink);
    }

    /** All posts of a file: for data sets that fit in memory (SFT on a laptop); large files use {@link #forEach}. */
    public static List<TldrPost> readAll(Path file) throws IOException {
        List<TldrPost> posts = new ArrayList<>();
        forEach(file, posts::add);
        return posts;
    }

    static TldrPost parse(JsonObject o, String source, long lineNo) {
        String[] v = new String[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            JsonElement f = o.get(FIELDS[i]);
            if (f == null || f.isJsonNull()) {
                throw new JsonlFormatException(source, lineNo, "field \"" + FIELDS[i] + "\" is missing");
            }
            if (!f.isJsonPrimitive()) {
                throw new JsonlFormatException(source, lineNo, "field \"" + FIELDS[i] + "\" must be a string");
            }
            v[i] = f.getAsString();
        }
        if (v[0].isBlank()) throw new JsonlFormatException(source, lineNo, "field \"id\" is empty");
        if (v[3].isBlank()) throw new JsonlFormatException(source, lineNo, "field \"post\" is empty");
        return new TldrPost(v[0], v[1], v[2], v[3], v[4]);
    }


}
