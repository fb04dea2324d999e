package dev.rlhf.lm.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsSinkTest {

    private static Map<String, Double> m(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        return m;
    }

    @Test
    void jsonlKeepsNonFiniteValuesAndFlushesEveryLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (JsonlSink sink = new JsonlSink(file)) {
            sink.log(1, m("sft/loss", 2.5, "sft/grad_norm", Double.NaN));
            // not closed yet: the line is already on disk
            List<String> lines = Files.readAllLines(file);
            assertEquals(1, lines.size());
            assertTrue(lines.get(0).startsWith("{\"step\": 1, \"time\": "), lines.get(0));
            assertTrue(lines.get(0).endsWith("\"sft/loss\": 2.5, \"sft/grad_norm\": \"NaN\"}"), lines.get(0));
            sink.log(2, m("sft/loss", Double.POSITIVE_INFINITY, "sft/grad_norm", Double.NEGATIVE_INFINITY));
            assertEquals(2, Files.readAllLines(file).size());
        }
        List<MetricsJsonl.Row> rows = MetricsJsonl.read(file);
        assertEquals(2, rows.size());
        assertTrue(Double.isNaN(rows.get(0).metrics().get("sft/grad_norm")));
        assertEquals(Double.POSITIVE_INFINITY, rows.get(1).metrics().get("sft/loss"));
        assertEquals(Double.NEGATIVE_INFINITY, rows.get(1).metrics().get("sft/grad_norm"));
        String csv = MetricsJsonl.csv(rows);
        String[] csvLines = csv.split("\n");
        assertEquals("step,time,sft/loss,sft/grad_norm", csvLines[0]);
        assertTrue(csvLines[1].startsWith("1,") && csvLines[1].endsWith(",2.5,NaN"), csvLines[1]);
        assertTrue(csvLines[2].endsWith(",Infinity,-Infinity"), csvLines[2]);
    }

    @Test
    void aResumedWriterDoesNotRepeatStepsAndDropsAnUnfinishedLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (JsonlSink sink = new JsonlSink(file)) {
            for (int s = 1; s <= 3; s++) sink.log(s, m("ppo/kl", 0.1 * s));
        }
        Files.writeString(file, "{\"step\": 4, \"time\": 1.0, \"ppo/k", java.nio.file.StandardOpenOption.APPEND);
        try (JsonlSink sink = new JsonlSink(file)) {   // the run goes on from its checkpoint at step 2
            for (int s = 3; s <= 5; s++) sink.log(s, m("ppo/kl", 1.0 * s));
        }
        List<MetricsJsonl.Row> rows = MetricsJsonl.read(file);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), rows.stream().map(MetricsJsonl.Row::step).toList());
        assertEquals(0.1 * 3, rows.get(2).metrics().get("ppo/kl"), 1e-12, "the first value of step 3 stays");
        assertEquals(4.0, rows.get(3).metrics().get("ppo/kl"));
        assertTrue(rows.get(4).time() >= rows.get(2).time(), "time goes on from the last time in the file");
    }

    @Test
    void theConsoleSinkWritesPlainLinesWithoutCarriageReturnsWhenNotOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleSink sink = new ConsoleSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            sink.begin("sft", 40);
            for (int s = 1; s <= 40; s++) sink.log(s, m("sft/loss", 1.0 / s, "sft/learning_rate", 3e-4));
            sink.checkpoint(40, Path.of("out/checkpoint-40"));
            sink.progress("normalisation", 5, 10);
            sink.text("done");
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"), text);
        List<String> lines = text.lines().toList();
        assertEquals(24, lines.size(), text);   // steps 1, 2, 4, ..., 40; the checkpoint, the phase, the text
        assertTrue(lines.get(0).startsWith("sft [#") && lines.get(0).contains(" 1/40 ETA ")
                && lines.get(0).contains("loss 1.0000 learning_rate 3.00e-04"), lines.get(0));
        assertTrue(lines.get(20).contains(" 40/40 ") && !lines.get(20).contains("ETA"), lines.get(20));
        assertEquals("checkpoint 40: out" + java.io.File.separator + "checkpoint-40", lines.get(21));
        assertTrue(lines.get(22).startsWith("normalisation [") && lines.get(22).contains("5/10"), lines.get(22));
        assertEquals("done", lines.get(23));
    }

    @Test
    void theConsoleSinkRedrawsOneLineOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleSink sink = new ConsoleSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), true)) {
            sink.begin("ppo", 3);
            for (int s = 1; s <= 3; s++) sink.log(s, m("ppo/score", s));
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(3, text.chars().filter(c -> c == '\r').count());
        assertEquals(1, text.chars().filter(c -> c == '\n').count());
    }

    @Test
    void aFanOutReachesEverySink(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MetricsSink sink = MetricsSink.fanOut(new ConsoleSink(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                false), JsonlSink.in(dir))) {
            sink.log(7, m("reward/accuracy", 0.75));
        }
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("step 7 accuracy 0.7500"));
        assertEquals(7, MetricsJsonl.read(dir.resolve("metrics.jsonl")).get(0).step());
    }

    @Test
    void theCsvMergesTheLinesOfOneStep() {
        String csv = MetricsJsonl.csv(List.of(new MetricsJsonl.Row(1, 0.5, m("dpo/loss", 0.7)),
                new MetricsJsonl.Row(2, 1.0, m("dpo/loss", 0.6)),
                new MetricsJsonl.Row(2, 1.5, m("dpo/validation/accuracy", 0.75))));
        assertEquals("step,time,dpo/loss,dpo/validation/accuracy\n1,0.5,0.7,\n2,1.5,0.6,0.75\n", csv);
    }
}
