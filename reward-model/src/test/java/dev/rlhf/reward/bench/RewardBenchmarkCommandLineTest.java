package dev.rlhf.reward.bench;

import dev.rlhf.lm.cli.Commands;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench-reward: help with defaults, an unknown option or the old positional form refused. */
class RewardBenchmarkCommandLineTest {

    static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) throws Exception {
        return Commands.run(RewardBenchmark.options().spec(), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> {
                    throw new AssertionError("the benchmark must not run");
                });
    }

    @Test
    void helpAndRefusals() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "--help"));
        assertTrue(out.toString().contains("--timed-steps") && out.toString().contains("Default: 10"), out.toString());
        assertEquals(2, run(out, err, "--timedSteps", "3"));
        assertTrue(err.toString().contains("--timedSteps is now --timed-steps"), err.toString());
        assertEquals(2, run(out, err, "2", "10"));
        assertEquals("5", RewardBenchmark.options().parse("--timed-steps", "5").get("timed-steps"));
    }
}
