package dev.rlhf.lm.cli;

import dev.rlhf.lm.commandline.Commands;

import dev.rlhf.lm.SftConfig;
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

/** The command lines of sft and generate: help, refused options, old spellings, config files. */
class CommandLinesTest {

    /** Exit status, standard output and standard error of one command line. */
    record Outcome(int status, String out, String err) {
    }

    static Outcome run(Object command, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Commands.run(command, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> {
                    throw new AssertionError("the command must not run");
                });
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryOptionWithItsDefault() throws Exception {
        for (String h : new String[] {"--help", "-h"}) {
            Outcome sft = run(new SftCli(), h);
            assertEquals(0, sft.status(), sft.err());
            for (String o : new String[] {"--data", "--out", "--init", "--n-layer", "--max-posts", "--steps", "--batch-size",
                    "--grad-accum-steps", "--learning-rate", "--min-learning-rate", "--warmup-steps", "--max-grad-norm",
                    "--weight-decay", "--checkpoint-every", "--seed", "--config"}) {
                assertTrue(sft.out().contains(o), o + " in\n" + sft.out());
            }
            assertTrue(sft.out().contains("Default: 1.0E-5"), sft.out());
            assertTrue(sft.out().contains("Peak learning rate"), sft.out());
        }
        Outcome gen = run(new GenerateCli(), "--help");
        assertEquals(0, gen.status());
        assertTrue(gen.out().contains("--max-new-tokens") && gen.out().contains("Default: 64"), gen.out());
    }

    @Test
    void unknownOptionsAndOldSpellingsAreRefused() throws Exception {
        Outcome typo = run(new SftCli(), "--stpes", "3");
        assertEquals(2, typo.status());
        assertTrue(typo.err().contains("--stpes"), typo.err());
        Outcome old = run(new SftCli(), "--n_layer", "3");
        assertEquals(2, old.status());
        assertTrue(old.err().contains("--n_layer is now --n-layer"), old.err());
        Outcome lr = run(new SftCli(), "--lr=3e-3");
        assertTrue(lr.err().contains("--lr is now --learning-rate"), lr.err());
        Outcome camel = run(new GenerateCli(), "--maxNewTokens", "3");
        assertEquals(2, camel.status());
        assertTrue(camel.err().contains("--maxNewTokens is now --max-new-tokens"), camel.err());
    }

    @Test
    void aConfigFileGivesWhatTheFlagsGive(@TempDir Path dir) throws Exception {
        String[] flags = {"--steps", "60", "--batch-size", "4", "--learning-rate", "3e-3", "--warmup-steps", "5",
                "--n-layer", "1", "--max-posts", "10"};
        SftCli byFlags = SftCli.parsed(flags);
        Path yaml = dir.resolve("sft.yaml"), json = dir.resolve("sft.json");
        Files.writeString(yaml, "steps: 60\nbatchSize: 4\nlearningRate: 3.0e-3\nwarmupSteps: 5\nnLayer: 1\nmaxPosts: 10\n");
        Files.writeString(json, "{\"steps\": 60, \"batchSize\": 4, \"learningRate\": 0.003, \"warmupSteps\": 5, \"nLayer\": 1,"
                + " \"maxPosts\": 10}");
        SftCli byYaml = SftCli.parsed("--config", yaml.toString());
        SftCli byJson = SftCli.parsed("--config", json.toString());
        assertEquals(byFlags.trainerConfig(), byYaml.trainerConfig());
        assertEquals(byFlags.trainerConfig(), byJson.trainerConfig());
        assertEquals(new SftConfig(3e-3, 1e-6, 5, 60, 4, 1, 1.0, 0.0, 0.9, 0.95, 1e-8, 500, 0), byJson.trainerConfig());
        assertEquals(1, byYaml.nLayer);
        assertEquals(10, byJson.maxPosts);

        Path posts = dir.resolve("posts.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            lines.append(String.format("{\"id\":\"p%d\",\"subreddit\":\"%s\",\"title\":\"t\",\"post\":\"b\",\"summary\":\"s\"}%n",
                    i, i % 2 == 0 ? "cats" : "dogs"));
        }
        Files.writeString(posts, lines);
        assertEquals(2, SftCli.examples(posts, new dev.rlhf.lm.tokenizer.ByteTokenizer(), 96, "cats", 2).size());
        assertEquals(3, SftCli.examples(posts, new dev.rlhf.lm.tokenizer.ByteTokenizer(), 96, "dogs", 0).size());
        Path web = dir.resolve("web.json");
        Files.writeString(web, "{\"maxPosts\": 2, \"promptSubreddit\": \"cats\", \"nPositions\": 96}");
        SftCli fromWeb = SftCli.parsed("--config", web.toString());
        assertEquals("cats", fromWeb.promptSubreddit);
        assertEquals(96, fromWeb.nPositions);

        SftCli overridden = SftCli.parsed("--steps", "7", "--config", yaml.toString());
        assertEquals(7, overridden.trainerConfig().steps(), "the command line overrides the file");
        assertEquals(4, overridden.trainerConfig().batchSize());

        Path unknown = dir.resolve("bad.yaml");
        Files.writeString(unknown, "steps: 3\nlearnigRate: 1e-4\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SftCli.parsed("--config", unknown.toString()));
        assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("unknown field \"learnigRate\""), e.getMessage());
        Path wrongType = dir.resolve("type.json");
        Files.writeString(wrongType, "{\"steps\": \"many\"}");
        e = assertThrows(IllegalArgumentException.class, () -> SftCli.parsed("--config", wrongType.toString()));
        assertTrue(e.getMessage().contains("type.json") && e.getMessage().contains("\"steps\""), e.getMessage());
        Outcome refused = run(new SftCli(), "--config", unknown.toString());
        assertEquals(2, refused.status());
        assertTrue(refused.err().contains("learnigRate"), refused.err());
    }
}
