package dev.rlhf.web.cli;

import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.lm.commandline.FlagTable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command lines of data and demo: help with defaults, unknown options refused (status 2). */
class CommandLinesTest {

    record Outcome(int status, String out, String err) {
    }

    static Outcome run(FlagTable t, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Commands.run(t.spec(), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> {
                    throw new AssertionError("the command must not run");
                });
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void dataRefusesBadLinesBeforeStartingAnything() throws Exception {
        Outcome help = run(DataCli.options(), "export", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().contains("--labeler") && help.out().contains("KIND") && help.out().contains("FILE"), help.out());
        assertTrue(run(DataCli.options(), "-h").out().contains("import"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, DataCli.run(new String[] {"export", "pairs", "x.jsonl", "--batsh=a"},
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--batsh"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, DataCli.run(new String[] {"import", "posts"}, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals(2, DataCli.run(new String[] {"frobnicate"}, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("a", DataCli.options().subcommand("export").parse("pairs", "x", "--batch", "a").get("batch"));
    }

    @Test
    void demoHelpAndRefusals() throws Exception {
        Outcome demo = run(dev.rlhf.web.demo.LoopDemoOptions.table(), "--help");
        assertEquals(0, demo.status());
        assertTrue(demo.out().contains("--quick") && demo.out().contains("Default: 8080"), demo.out());
        Outcome typo = run(dev.rlhf.web.demo.LoopDemoOptions.table(), "--quik");
        assertEquals(2, typo.status());
        assertTrue(typo.err().contains("--quik"), typo.err());
    }
}
