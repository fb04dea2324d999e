package dev.rlhf.reward.data;

import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.ComparisonReader;
import dev.rlhf.lm.formats.ComparisonWriter;
import dev.rlhf.lm.formats.JsonLines;
import dev.rlhf.lm.formats.JsonlFormatException;
import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.lm.formats.PreferencePair;
import dev.rlhf.lm.formats.PreferencePairs;
import dev.rlhf.lm.formats.Summary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonReaderTest {

    static final String GOOD_LINE = "{\"info\":{\"id\":\"t3_abc\",\"post\":\"My cat hides.\",\"title\":\"Cat\","
            + "\"subreddit\":\"pets\"},\"summaries\":[{\"text\":\"cat hides\",\"policy\":\"ref\",\"note\":null},"
            + "{\"text\":\"a pet is shy\",\"policy\":\"sup2\",\"note\":\"too vague\"}],\"choice\":1,"
            + "\"worker\":\"w1\",\"batch\":\"batch3\",\"split\":\"train\",\"extra\":{\"confidence\":8}}";

    @Test
    void readsTheSummarizeFromFeedbackFormat() throws IOException {
        List<Comparison> read = new ArrayList<>();
        long n = JsonLines.forEach(new java.io.BufferedReader(new java.io.StringReader(GOOD_LINE + "\n\n")), "mem", ComparisonReader::parse,
                read::add);
        assertEquals(1, n);
        Comparison c = read.get(0);
        assertEquals("t3_abc", c.info().id());
        assertEquals("My cat hides.", c.info().post());
        assertEquals("Cat", c.info().title());
        assertEquals("pets", c.info().subreddit());
        assertEquals(2, c.summaries().size());
        assertEquals(new Summary("a pet is shy", "sup2", "too vague"), c.summaries().get(1));
        assertNull(c.summaries().get(0).note());
        assertEquals(1, c.choice());
        assertEquals("w1", c.worker());
        assertEquals("batch3", c.batch());
        assertEquals("train", c.split());
        assertEquals(8, c.confidence());
        assertEquals("SUBREDDIT: r/pets\nTITLE: Cat\nPOST: My cat hides.\nTL;DR:", c.info().prompt());
    }

    @Test
    void roundTripsThroughTheWriter(@TempDir Path dir) throws IOException {
        List<Comparison> original = new SyntheticComparisons(3, 0.25, 4).generate(5, 2);
        original.add(new Comparison(new PostInfo("x", "ünïcode \"quoted\"\nnew line", null, null),
                List.of(new Summary("a", null, null), new Summary("b", "p", "n")), 0, null, null, null, null));
        Path file = dir.resolve("c.jsonl");
        ComparisonWriter.writeAll(file, original);
        assertEquals(original, ComparisonReader.readAll(file));
    }

    @Test
    void writesPreferencePairs(@TempDir Path dir) throws IOException {
        Comparison best4 = new SyntheticComparisons(3, 0.0, 4).generate(1, 1).get(0);
        Comparison pair = ComparisonReader.parse(GOOD_LINE, "mem", 1);
        Path file = dir.resolve("pairs.jsonl");
        assertEquals(4, PreferencePairs.write(file, List.of(pair, best4)));
        List<PreferencePair> pairs = PreferencePairs.read(file);
        assertEquals(new PreferencePair(pair.info().prompt(), "a pet is shy", "cat hides"), pairs.get(0));
        for (PreferencePair p : pairs.subList(1, 4)) {
            assertEquals(best4.chosen().text(), p.chosen());
            assertTrue(SyntheticComparisons.hasGoodWord(p.chosen()));
        }
        assertEquals(3, pairs.subList(1, 4).stream().map(PreferencePair::rejected).distinct().count());
    }

    /** Writes {@code lines} and returns the error of reading them. */
    private static JsonlFormatException error(Path dir, String... lines) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
        return assertThrows(JsonlFormatException.class, () -> ComparisonReader.readAll(file));
    }

    @Test
    void refusesBadLinesByNumberAndField(@TempDir Path dir) throws IOException {
        String oneSummary = GOOD_LINE.replace("{\"text\":\"cat hides\",\"policy\":\"ref\",\"note\":null},", "");
        JsonlFormatException e = error(dir, GOOD_LINE, "", oneSummary);
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("bad.jsonl, line 3") && e.getMessage().contains("summaries: must be an array of at least 2 summaries, has 1"),
                e.getMessage());

        e = error(dir, GOOD_LINE, GOOD_LINE.replace("\"choice\":1", "\"choice\":2"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("choice: must be between 0 and 1, got 2"), e.getMessage());

        e = error(dir, GOOD_LINE.replace("\"choice\":1", "\"choice\":-1"));
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("choice: must be between 0 and 1, got -1"), e.getMessage());

        e = error(dir, GOOD_LINE, GOOD_LINE, GOOD_LINE, GOOD_LINE.replace("\"text\":\"a pet is shy\"", "\"text\":\"  \""));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("summaries[1].text: must not be empty"), e.getMessage());

        e = error(dir, GOOD_LINE, "{\"info\": {\"id\": ");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        e = error(dir, GOOD_LINE.replace("\"choice\":1,", ""));
        assertTrue(e.getMessage().contains("choice: is required"), e.getMessage());

        e = error(dir, GOOD_LINE.replace("\"confidence\":8", "\"confidence\":12"));
        assertTrue(e.getMessage().contains("extra.confidence: must be between 1 and 9, got 12"), e.getMessage());

        e = error(dir, GOOD_LINE.replace("\"id\":\"t3_abc\",", ""));
        assertTrue(e.getMessage().contains("info.id: is required"), e.getMessage());
    }
}
