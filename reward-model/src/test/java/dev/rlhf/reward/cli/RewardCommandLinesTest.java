package dev.rlhf.reward.cli;

import dev.rlhf.lm.commandline.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line of reward and its subcommands: help, refused options, old spellings, the train config file. */
class RewardCommandLinesTest {

    record Outcome(int status, String out, String err) {
    }

    static Outcome run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Commands.run(new RewardCommands().spec(), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> {
                    throw new AssertionError("the command must not run");
                });
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Args parse(String... args) {
        RewardCommands c = new RewardCommands();
        return c.args(Commands.parse(c.spec(), args));
    }

    @Test
    void helpOfEveryCommandListsItsOptionsWithDefaults() throws Exception {
        Outcome top = run("--help");
        assertEquals(0, top.status(), top.err());
        for (String c : new String[] {"train", "evaluate", "generate", "pairs", "rank"}) {
            assertTrue(top.out().contains(c), c + " in\n" + top.out());
            Outcome sub = run(c, "-h");
            assertEquals(0, sub.status(), sub.err());
            assertTrue(sub.out().contains("--out") || sub.out().contains("--models"), sub.out());
        }
        Outcome train = run("train", "--help");
        for (String o : new String[] {"--learning-rate", "--min-learning-rate", "--warmup-fraction", "--batch-size",
                "--micro-batch-size", "--max-grad-norm", "--validation-fraction", "--ensemble-size", "--learning-curve",
                "--normalise-gain", "--config"}) {
            assertTrue(train.out().contains(o), o + " in\n" + train.out());
        }
        assertTrue(train.out().contains("Default: 0.05") && train.out().contains("with --scratch"), train.out());
        Outcome generate = run("generate", "--help");
        assertTrue(generate.out().contains("Default: 1000"), generate.out());
    }

    @Test
    void unknownOptionsAndOldSpellingsAreRefused() throws Exception {
        Outcome typo = run("generate", "--out", "x", "--bogus", "1");
        assertEquals(2, typo.status());
        assertTrue(typo.err().contains("--bogus"), typo.err());
        Outcome old = run("train", "--lr", "1e-3");
        assertEquals(2, old.status());
        assertTrue(old.err().contains("--lr is now --learning-rate"), old.err());
        Outcome camel = run("train", "--microBatchSize", "4");
        assertTrue(camel.err().contains("--microBatchSize is now --micro-batch-size"), camel.err());
        Outcome command = run("frobnicate");
        assertEquals(2, command.status());
        assertTrue(command.err().contains("unknown command \"frobnicate\""), command.err());
    }

    @Test
    void aTrainConfigFileGivesWhatTheFlagsGive(@TempDir Path dir) throws Exception {
        Args flags = parse("train", "--learning-rate", "0.001", "--batch-size", "16", "--validation-fraction", "0.2",
                "--learning-curve", "0.25,0.5", "--normalise-gain", "--ensemble-size", "2");
        Path yaml = dir.resolve("rm.yaml"), json = dir.resolve("rm.json");
        Files.writeString(yaml, "learningRate: 0.001\nbatchSize: 16\nvalidationFraction: 0.2\nlearningCurve: [0.25, 0.5]\n"
                + "normaliseGain: true\nensembleSize: 2\n");
        Files.writeString(json, "{\"learningRate\": 0.001, \"batchSize\": 16, \"validationFraction\": 0.2,"
                + " \"learningCurve\": [0.25, 0.5], \"normaliseGain\": true, \"ensembleSize\": 2}");
        Args byYaml = parse("train", "--config", yaml.toString()), byJson = parse("train", "--config", json.toString());
        flags.values().remove("config");
        byYaml.values().remove("config");
        byJson.values().remove("config");
        assertEquals(flags.values(), byYaml.values());
        assertEquals(flags.values(), byJson.values());
        assertEquals("0.25,0.5", byJson.get("learning-curve", null));

        assertEquals(0.5, parse("train", "--low-confidence-weight", "0.5", "--margin", "0.25").number("low-confidence-weight", 1));
        Args overridden = parse("train", "--config", yaml.toString(), "--batch-size", "8");
        assertEquals(8, overridden.integer("batch-size", 0), "the command line overrides the file");
        assertEquals(0.2, overridden.number("validation-fraction", 0));

        Path shape = dir.resolve("shape.yaml");
        Files.writeString(shape, "nLayer: 1\nnEmbd: 32\n");
        Args shaped = parse("train", "--config", shape.toString(), "--n-positions", "96");
        assertEquals(1, shaped.integer("n-layer", 0));
        assertEquals(32, shaped.integer("n-embd", 0));
        assertEquals(96, shaped.integer("n-positions", 0));

        Path unknown = dir.resolve("bad.yaml");
        Files.writeString(unknown, "batchSize: 8\nbatchSise: 4\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("train", "--config", unknown.toString()));
        assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("unknown field \"batchSise\""), e.getMessage());
        Path wrongType = dir.resolve("type.json");
        Files.writeString(wrongType, "{\"epochs\": \"two\"}");
        e = assertThrows(IllegalArgumentException.class, () -> parse("train", "--config", wrongType.toString()));
        assertTrue(e.getMessage().contains("type.json") && e.getMessage().contains("\"epochs\""), e.getMessage());
    }
}
