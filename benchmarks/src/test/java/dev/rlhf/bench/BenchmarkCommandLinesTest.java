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

    @Test
    void lmRewardAndLabelingBenchmarks() throws Exception {
        String[] lm = run(LmBenchmark.options(), "--help");
        assertEquals("0", lm[0]);
        assertTrue(lm[1].contains("--n-kv-head") && lm[1].contains("Default: gemm,train,sample"), lm[1]);
        String[] lmOld = run(LmBenchmark.options(), "--gen_batch", "3");
        assertEquals("2", lmOld[0]);
        assertTrue(lmOld[2].contains("--gen_batch is now --gen-batch"), lmOld[2]);
        String[] lmBad = run(LmBenchmark.options(), "--steps", "many");
        assertEquals("2", lmBad[0]);
        assertTrue(lmBad[2].contains("--steps"), lmBad[2]);

        String[] reward = run(RewardBenchmark.options(), "--help");
        assertEquals("0", reward[0]);
        assertTrue(reward[1].contains("--timed-steps") && reward[1].contains("Default: 10"), reward[1]);
        String[] rewardOld = run(RewardBenchmark.options(), "--timedSteps", "3");
        assertEquals("2", rewardOld[0]);
        assertTrue(rewardOld[2].contains("--timedSteps is now --timed-steps"), rewardOld[2]);
        assertEquals("2", run(RewardBenchmark.options(), "2", "10")[0], "the old positional form");
        assertEquals("5", RewardBenchmark.options().parse("--timed-steps", "5").get("timed-steps"));

        String[] labeling = run(LabelingBenchmark.options(), "--help");
        assertEquals("0", labeling[0]);
        assertTrue(labeling[1].contains("--labelers") && labeling[1].contains("Default: 64"), labeling[1]);
        String[] labelingTypo = run(LabelingBenchmark.options(), "--labelres=3");
        assertEquals("2", labelingTypo[0]);
        assertTrue(labelingTypo[2].contains("--labelres"), labelingTypo[2]);
    }
}
