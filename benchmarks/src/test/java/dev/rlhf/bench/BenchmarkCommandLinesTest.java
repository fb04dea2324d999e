package dev.rlhf.bench;

import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.bench.labeling.LabelingBenchmark;
import dev.rlhf.lm.commandline.FlagTable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every benchmark's command line: help with defaults, unknown options and old spellings refused (status 2). */
class BenchmarkCommandLinesTest {

    static String[] run(FlagTable t, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Commands.run(t.spec(), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> {
                    throw new AssertionError("the benchmark must not run");
                });
        return new String[] {String.valueOf(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    /** {@code arg} asks for help: status 0, and the help printed contains each of {@code texts}. */
    static void helps(FlagTable t, String arg, String... texts) throws Exception {
        String[] help = run(t, arg);
        assertEquals("0", help[0]);
        for (String text : texts) assertTrue(help[1].contains(text), help[1]);
    }

    /** {@code args} are refused: status 2, and the error printed contains {@code text}. */
    static void refuses(FlagTable t, String text, String... args) throws Exception {
        String[] refusal = run(t, args);
        assertEquals("2", refusal[0]);
        assertTrue(refusal[2].contains(text), refusal[2]);
    }

    @Test
    void helpAndRefusals() throws Exception {
        helps(PpoBenchmark.options(), "--help", "--prompt-len", "Default: 48", "--with-torch-ref");
        helps(MethodsBenchmark.options(), "-h", "--pairs", "Default: 16");
        refuses(MethodsBenchmark.options(), "--pairz", "--pairz", "3");
        refuses(PpoBenchmark.options(), "--promptLen is now --prompt-len", "--promptLen", "3");
        assertEquals("7", PpoBenchmark.options().parse("--iterations", "7").get("iterations"));
    }

    @Test
    void lmRewardAndLabelingBenchmarks() throws Exception {
        helps(LmBenchmark.options(), "--help", "--n-kv-head", "Default: gemm,train,sample");
        refuses(LmBenchmark.options(), "--gen_batch is now --gen-batch", "--gen_batch", "3");
        refuses(LmBenchmark.options(), "--steps", "--steps", "many");

        helps(RewardBenchmark.options(), "--help", "--timed-steps", "Default: 10");
        refuses(RewardBenchmark.options(), "--timedSteps is now --timed-steps", "--timedSteps", "3");
        assertEquals("2", run(RewardBenchmark.options(), "2", "10")[0], "the old positional form");
        assertEquals("5", RewardBenchmark.options().parse("--timed-steps", "5").get("timed-steps"));

        helps(LabelingBenchmark.options(), "--help", "--labelers", "Default: 64");
        refuses(LabelingBenchmark.options(), "--labelres", "--labelres=3");
    }
}
