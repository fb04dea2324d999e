package dev.rlhf.lm.formats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TldrReaderTest {

    /** {@code dir/posts.jsonl} holding {@code lines}. */
    static Path posts(Path dir, String lines) throws Exception {
        return Files.writeString(dir.resolve("posts.jsonl"), lines);
    }

    @Test
    void readsPostsAndFormatsThePrompt(@TempDir Path dir) throws Exception {
        Path f = posts(dir, """
                {"id":"t3_a","subreddit":"cooking","title":"Burnt rice","post":"I burn rice every time.","summary":"rice burns"}

                {"id":"t3_b","subreddit":"pets","title":"Cat","post":"My cat sleeps all day.","summary":"sleepy cat"}
                """);
        List<TldrPost> posts = TldrReader.readAll(f);
        assertEquals(2, posts.size());
        assertEquals("t3_b", posts.get(1).id());
        assertEquals("SUBREDDIT: r/cooking\nTITLE: Burnt rice\nPOST: I burn rice every time.\nTL;DR:",
                posts.get(0).prompt());
        assertEquals(" rice burns", posts.get(0).completion());
    }

    @Test
    void aBadLineIsNamedWithItsNumberAndField(@TempDir Path dir) throws Exception {
        Path f = posts(dir, """
                {"id":"1","subreddit":"a","title":"t","post":"p","summary":"s"}
                {"id":"2","subreddit":"a","title":"t","post":"p","summary":"s"}
                {"id":"3","subreddit":"a","title":"t","summary":"s"}
                """);
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> TldrReader.readAll(f));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("post: is required"), e.getMessage());

        Files.writeString(f, "{\"id\":\"1\",\"subreddit\":\"a\",\"title\":\"t\",\"post\":\"p\",\"summary\":\"s\"}\n{oops\n");
        e = assertThrows(JsonlFormatException.class, () -> TldrReader.readAll(f));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void aSelectionKeepsOneSubredditsFirstPostsAndRefusesAnEmptyOne(@TempDir Path dir) throws Exception {
        Path f = posts(dir, """
                {"id":"1","subreddit":"a","title":"t","post":"p","summary":"s"}
                {"id":"2","subreddit":"b","title":"t","post":"p","summary":"s"}
                {"id":"3","subreddit":"a","title":"t","post":"p","summary":"s"}
                {"id":"4","subreddit":"a","title":"t","post":"p","summary":"s"}
                """);
        assertEquals(List.of("1", "3"), TldrReader.select(f, "a", 2).stream().map(TldrPost::id).toList());
        assertEquals(List.of("1", "2", "3", "4"), TldrReader.select(f, "", 0).stream().map(TldrPost::id).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TldrReader.select(f, "c", 0));
        assertEquals(f + " holds no posts of r/c", e.getMessage());
    }
}
