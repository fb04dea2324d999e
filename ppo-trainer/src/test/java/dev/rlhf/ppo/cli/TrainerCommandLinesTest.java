package dev.rlhf.ppo.cli;

import dev.rlhf.dpo.DpoConfig;
import dev.rlhf.ppo.ConfigFields;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.rloo.RlooConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command lines of ppo, dpo and rloo: help, refused options, old spellings, config files. */
class TrainerCommandLinesTest {

    record Outcome(int status, String out, String err) {
    }

    static Outcome run(TrainerOptions options, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = options.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), (p, o) -> {
                    throw new AssertionError("the command must not run");
                });
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryFieldWithItsDefaultAndMeaning() throws Exception {
        Map<TrainerOptions, Record> commands = Map.of(PpoCli.options(), PpoConfig.defaults(), DpoCli.options(),
                DpoConfig.defaults(), RlooCli.options(), RlooConfig.defaults());
        for (Map.Entry<TrainerOptions, Record> c : commands.entrySet()) {
            for (String h : new String[] {"--help", "-h"}) {
                Outcome o = run(c.getKey(), h);
                assertEquals(0, o.status(), o.err());
                for (Map.Entry<String, Object> f : ConfigFields.asMap(c.getValue()).entrySet()) {
                    String option = "--" + dev.rlhf.lm.commandline.Commands.kebab(f.getKey());
                    assertTrue(o.out().contains(option), option + " in\n" + o.out());
                }
                assertTrue(o.out().contains("--config") && o.out().contains("--fresh") && o.out().contains("--policy"), o.out());
            }
        }
        Outcome ppo = run(PpoCli.options(), "--help");
        assertTrue(ppo.out().contains("Default: " + PpoConfig.defaults().klCoef()), ppo.out());
        assertTrue(ppo.out().contains("AdamW peak learning rate"), ppo.out());
    }

    @Test
    void unknownOptionsAndOldSpellingsAreRefused() throws Exception {
        Outcome typo = run(PpoCli.options(), "--kl-cofe", "0.1");
        assertEquals(2, typo.status());
        assertTrue(typo.err().contains("--kl-cofe"), typo.err());
        Outcome old = run(RlooCli.options(), "--batchSize", "4");
        assertEquals(2, old.status());
        assertTrue(old.err().contains("--batchSize is now --batch-size"), old.err());
        Outcome missing = run(DpoCli.options(), "--policy", "p", "--out", "o");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("--comparisons is required"), missing.err());
    }

    @Test
    void aConfigFileGivesWhatTheFlagsGive(@TempDir Path dir) throws Exception {
        String[] inputs = {"--policy", "p", "--reward-model", "r", "--prompts", "x.jsonl", "--out", "o"};
        TrainerOptions.Parsed byFlags = PpoCli.options().parse(concat(inputs, "--kl-coef", "0.1", "--batch-size", "8",
                "--minibatch-size", "4", "--whiten-rewards", "true", "--lr-schedule", "constant"));
        Path yaml = dir.resolve("ppo.yaml"), json = dir.resolve("ppo.json");
        Files.writeString(yaml, "klCoef: 0.1\nbatchSize: 8\nminibatchSize: 4\nwhitenRewards: true\nlrSchedule: constant\n");
        Files.writeString(json, "{\"klCoef\": 0.1, \"batchSize\": 8, \"minibatchSize\": 4, \"whitenRewards\": true,"
                + " \"lrSchedule\": \"constant\"}");
        TrainerOptions.Parsed byYaml = PpoCli.options().parse(concat(inputs, "--config", yaml.toString()));
        TrainerOptions.Parsed byJson = PpoCli.options().parse(concat(inputs, "--config", json.toString()));
        assertEquals(byFlags.config(), byYaml.config());
        assertEquals(byFlags.config(), byJson.config());
        assertEquals(0.1, ((PpoConfig) byJson.config()).klCoef());
        assertTrue(((PpoConfig) byYaml.config()).whitenRewards());

        PpoConfig overridden = (PpoConfig) PpoCli.options().parse(concat(inputs, "--config", yaml.toString(),
                "--kl-coef", "0.2")).config();
        assertEquals(0.2, overridden.klCoef(), "the command line overrides the file");
        assertEquals(8, overridden.batchSize());

        Path unknown = dir.resolve("bad.yaml");
        Files.writeString(unknown, "klCoef: 0.1\nklCoeff: 0.2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PpoCli.options().parse(concat(inputs, "--config", unknown.toString())));
        assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("unknown field \"klCoeff\""), e.getMessage());
        Path wrongType = dir.resolve("type.json");
        Files.writeString(wrongType, "{\"batchSize\": \"eight\"}");
        e = assertThrows(IllegalArgumentException.class, () -> PpoCli.options().parse(concat(inputs, "--config", wrongType.toString())));
        assertTrue(e.getMessage().contains("batchSize") && e.getMessage().contains("type.json"), e.getMessage());

        Path promptSet = dir.resolve("prompts.json");
        Files.writeString(promptSet, "{\"maxPosts\": 3, \"promptSubreddit\": \"cats\", \"iterations\": 2}");
        TrainerOptions.Parsed rloo = RlooCli.options().parse(concat(inputs, "--config", promptSet.toString()));
        assertEquals(3, rloo.maxPosts());
        assertEquals("cats", rloo.promptSubreddit());
        Path posts = dir.resolve("posts.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            lines.append(String.format("{\"id\":\"p%d\",\"subreddit\":\"%s\",\"title\":\"t\",\"post\":\"b\",\"summary\":\"s\"}%n",
                    i, i % 2 == 0 ? "cats" : "dogs"));
        }
        Files.writeString(posts, lines);
        TrainerOptions.Parsed kept = RlooCli.options().parse("--policy", "p", "--reward-model", "r", "--prompts", posts.toString(),
                "--out", "o", "--config", promptSet.toString());
        assertEquals(java.util.List.of("p0", "p2", "p4"), kept.prompts().stream().map(dev.rlhf.lm.formats.TldrPost::id).toList());

        Path dpo = dir.resolve("dpo.yml");
        Files.writeString(dpo, "beta: 0.3\nsteps: 5\n");
        DpoConfig d = (DpoConfig) DpoCli.options().parse("--policy", "p", "--comparisons", "c", "--out", "o",
                "--config", dpo.toString()).config();
        assertEquals(0.3, d.beta());
        assertEquals(5, d.steps());
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
