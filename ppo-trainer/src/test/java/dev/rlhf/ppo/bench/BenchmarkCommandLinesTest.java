package dev.rlhf.ppo.bench;

import dev.rlhf.lm.cli.Commands;
import dev.rlhf.lm.cli.FlagTable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench-ppo and bench-methods: help with defaults, unknown options refused. */
class BenchmarkCommandLinesTest {

    static String[] run(FlagTable t, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Commands.run(t.spec(), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> {
                    throw new AssertionError("the benchmark must not run");
                });
        return new String[] {String.valueOf(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void helpAndRefusals() throws Exception {
        String[] ppo = run(PpoBenchmark.options(), "--help");
        assertEquals("0", ppo[0]);
        assertTrue(ppo[1].contains("--prompt-len") && ppo[1].contains("Default: 48") && ppo[1].contains("--with-torch-ref"), ppo[1]);
        String[] methods = run(MethodsBenchmark.options(), "-h");
        assertEquals("0", methods[0]);
        assertTrue(methods[1].contains("--pairs") && methods[1].contains("Default: 16"), methods[1]);
        String[] typo = run(MethodsBenchmark.options(), "--pairz", "3");
        assertEquals("2", typo[0]);
        assertTrue(typo[2].contains("--pairz"), typo[2]);
        String[] old = run(PpoBenchmark.options(), "--promptLen", "3");
        assertEquals("2", old[0]);
        assertTrue(old[2].contains("--promptLen is now --prompt-len"), old[2]);
        assertEquals("7", PpoBenchmark.options().parse("--iterations", "7").get("iterations"));
    }
}
