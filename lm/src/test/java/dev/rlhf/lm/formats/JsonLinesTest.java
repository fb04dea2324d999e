package dev.rlhf.lm.formats;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLinesTest {

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsObjectsWithTheirLineNumbersAndReportsTheBytesRead() throws IOException {
        String text = "{\"a\":1}\r\n\n{\"a\":2}\r{\"a\":\"ü\"}";
        List<Long> numbers = new ArrayList<>();
        List<JsonObject> objects = new ArrayList<>();
        List<Long> progress = new ArrayList<>();
        long n = JsonLines.read(bytes(text), "mem", JsonLines.MAX_LINE, (line, o) -> {
            numbers.add(line);
            objects.add(o);
        }, progress::add);
        assertEquals(3, n);
        assertEquals(List.of(1L, 3L, 4L), numbers);
        assertEquals("ü", objects.get(2).get("a").getAsString());
        assertEquals((long) text.getBytes(StandardCharsets.UTF_8).length, progress.get(progress.size() - 1));
    }

    @Test
    void refusesAnOverlongLineWhileItIsRead() {
        String text = "{\"a\":1}\n{\"a\":\"" + "x".repeat(100) + "\"}\n";
        JsonlFormatException e = assertThrows(JsonlFormatException.class,
                () -> JsonLines.read(bytes(text), "big.jsonl", 50, (line, o) -> { }, b -> { }));
        assertEquals(2, e.line());
        assertEquals(JsonlFormatException.LINE, e.field());
        assertEquals("big.jsonl, line 2: (line): is longer than 50 characters, the most a line may hold", e.getMessage());
    }

    @Test
    void refusesWhatIsNotOneStrictJsonObjectOrNotUtf8() {
        for (String bad : new String[]{"[1]", "{a:1}", "{\"a\":1} {\"b\":2}", "{\"a\":"}) {
            JsonlFormatException e = assertThrows(JsonlFormatException.class,
                    () -> JsonLines.read(bytes("{}\n" + bad), null, 100, (line, o) -> { }, b -> { }), bad);
            assertEquals(2, e.line(), bad);
            assertTrue(e.getMessage().startsWith("line 2: (line): "), e.getMessage());
        }
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> JsonLines.read(
                new ByteArrayInputStream(new byte[]{'{', '}', '\n', (byte) 0xff, '\n'}), null, 100, (l, o) -> { }, b -> { }));
        // the decoder reads ahead, so the line named is the one being read when the bad bytes were decoded
        assertTrue(e.getMessage().endsWith(": (line): the file is not UTF-8 text"), e.getMessage());
    }

    @Test
    void aTieIsAComparisonWithoutAChoiceWhereTiesAreAllowed() {
        String tie = "{\"info\":{\"id\":\"p\",\"post\":\"a post\"},\"summaries\":[{\"text\":\"a\"},{\"text\":\"b\"}],"
                + "\"choice\":null,\"extra\":{\"confidence\":5}}";
        JsonObject o = JsonLines.object(tie, "mem", 1);
        Comparison c = ComparisonReader.parse(o, "mem", 1, true);
        assertTrue(c.isTie());
        assertNull(c.choice());
        assertEquals(List.of(), PreferencePairs.of(c));
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> ComparisonReader.parse(o, "mem", 1));
        assertEquals("mem, line 1: choice: is required", e.getMessage());
    }
}
