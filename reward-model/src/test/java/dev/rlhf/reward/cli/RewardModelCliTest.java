package dev.rlhf.reward.cli;

import dev.rlhf.reward.RewardConfig;
import dev.rlhf.reward.RewardModelMetadata;
import dev.rlhf.lm.formats.PreferencePairs;
import dev.rlhf.reward.eval.Evaluation;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end on a tiny generated snapshot: generate, train (ensemble, learning curve), evaluate, rank, pairs. */
class RewardModelCliTest {

    static String run(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new RewardModelCli(new PrintStream(buf, true, StandardCharsets.UTF_8)).run(args);
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void generateTrainEvaluateRankExport(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn.jsonl"), model = dir.resolve("rm");
        assertTrue(run("generate", "--out", data.toString(), "--posts", "30", "--per-post", "2").contains("wrote 60"));
        String log = run("train", "--comparisons", data.toString(), "--out", model.toString(),
                "--n-embd", "32", "--n-layer", "1", "--n-head", "2", "--n-positions", "96", "--learning-rate", "1e-3", "--batch-size", "16", "--micro-batch-size", "8",
                "--validation-fraction", "0.2", "--ensemble-size", "2", "--learning-curve", "0.5", "--aggregate", "majority",
                "--normalise-gain");
        assertTrue(log.contains("examples: 48 train, 12 validation"), log);   // 6 of 30 posts held out, 2 labels each
        assertTrue(log.matches("(?s).*normalisation offset -?[0-9.]+, gain [0-9.]+ on \\d+ references.*"), log);
        assertTrue(log.contains("reward/normalisation/member-1 [") && log.contains("reward/evaluation ["), log);
        List<dev.rlhf.lm.metrics.MetricsJsonl.Row> rows = dev.rlhf.lm.metrics.MetricsJsonl.read(model.resolve("metrics.jsonl"));
        assertEquals(List.of("reward/epoch", "reward/loss", "reward/accuracy", "reward/learning_rate", "reward/grad_norm",
                "reward/pairs_per_second", "reward/tokens_per_second"),
                List.copyOf(rows.get(0).metrics().keySet()));
        assertEquals(1, rows.get(0).step());
        assertTrue(rows.stream().anyMatch(r -> r.metrics().containsKey("reward/member-1/loss")), "the second member's names");
        Evaluation e = Evaluation.fromJson(Files.readString(model.resolve("evaluation.json")));
        assertEquals(12, e.pairs());
        assertEquals(2, e.learningCurve().size());
        assertEquals(24, e.learningCurve().get(0).trainingExamples());
        assertEquals(60, e.labelerAgreement().values().stream().mapToLong(a -> a.total()).sum());
        RewardModelMetadata meta = RewardModelMetadata.read(model);
        assertTrue(meta.normalization().source().contains("\"ref\""), meta.normalization().source());
        assertEquals(0, meta.config().seed());
        assertTrue(meta.config().normaliseGain());
        assertTrue(meta.normalization().gain() > 0 && meta.normalization().gain() != 1, "gain " + meta.normalization().gain());
        assertEquals(1e-3, meta.config().learningRate());                  // given
        assertEquals(RewardConfig.scratchDefaults().minLearningRate(), meta.config().minLearningRate()); // --scratch default
        assertEquals(1, RewardModelMetadata.read(model.resolve("ensemble/member-1")).config().seed());

        Path eval = dir.resolve("eval.json");
        assertTrue(run("evaluate", "--model", model.toString(), "--comparisons", data.toString(), "--out",
                eval.toString()).contains("validation: 60 pairs"));
        assertEquals(60, Evaluation.fromJson(Files.readString(eval)).pairs());

        Path ranked = dir.resolve("ranked.jsonl");
        run("rank", "--models", model + "," + model.resolve("ensemble/member-1"), "--comparisons", data.toString(),
                "--out", ranked.toString(), "--top", "5");
        List<String> lines = Files.readAllLines(ranked);
        assertEquals(5, lines.size());
        double previous = Double.MAX_VALUE;
        for (String line : lines) {                  // highest disagreement first
            double std = JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("disagreement")
                    .get("stdProbability").getAsDouble();
            assertTrue(std <= previous && std > 0, lines.toString());
            previous = std;
        }

        Path pairs = dir.resolve("pairs.jsonl");
        run("pairs", "--comparisons", data.toString(), "--out", pairs.toString());
        assertEquals(60, PreferencePairs.read(pairs).size());
    }

    @Test
    void badArgumentsAreNamed(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run("generate", "--out", dir.resolve("x").toString(), "--bogus", "1"));
        assertTrue(e.getMessage().startsWith("unknown option --bogus"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run("train", "--comparisons", "none.jsonl"));
        assertTrue(e.getMessage().contains("--out"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run("train", "--comparisons", "none.jsonl", "--out", "x",
                "--init", "dir", "--n-layer", "2"));
        assertTrue(e.getMessage().contains("without --init"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run("frobnicate"));
        assertTrue(e.getMessage().startsWith("unknown command \"frobnicate\""), e.getMessage());
    }
}
