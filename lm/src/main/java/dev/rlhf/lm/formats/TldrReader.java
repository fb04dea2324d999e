package dev.rlhf.lm.formats;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads TL;DR posts jsonl one line at a time (bounded memory). A line that is not a JSON object, or lacks one of
 * {@code id, subreddit, title, post, summary} as a string, is refused with its line number and field.
 * Blank lines are skipped.
 */
public final class TldrReader {
    private TldrReader() {
    }

    /** All posts of a file: for data sets that fit in memory (SFT on a laptop); large files stream through {@link JsonLines#forEach}. */
    public static List<TldrPost> readAll(Path file) throws IOException {
        return JsonLines.readAll(file, TldrReader::parse);
    }

    /**
     * The posts of {@code file} in file order, only those of {@code subreddit} when it is not empty, the first
     * {@code maxPosts} of them when it is positive; a selection that keeps none is refused naming the file.
     */
    public static List<TldrPost> select(Path file, String subreddit, int maxPosts) throws IOException {
        List<TldrPost> posts = readAll(file).stream()
                .filter(p -> subreddit.isEmpty() || subreddit.equals(p.subreddit())).toList();
        if (maxPosts > 0 && posts.size() > maxPosts) posts = posts.subList(0, maxPosts);
        if (posts.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no posts" + (subreddit.isEmpty() ? "" : " of r/" + subreddit));
        }
        return posts;
    }

    /** One line's object; {@code source} and {@code lineNo} only name the place in errors. */
    public static TldrPost parse(JsonObject o, String source, long lineNo) {
        JsonFields f = new JsonFields(source, lineNo);
        return new TldrPost(f.text(o, "id", "id"), f.string(o, "subreddit", "subreddit", true),
                f.string(o, "title", "title", true), f.text(o, "post", "post"), f.string(o, "summary", "summary", true));
    }
}
