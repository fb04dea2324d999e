package dev.rlhf.ppo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Same seed, same data → the same bits, whatever the garbage collector does. {@link TrainingFingerprint} trains SFT,
 * a reward model and PPO in two JVMs: one that never collects garbage (Epsilon) and one that collects all the time
 * (a 1 MiB young generation). A Java buffer that autograd still reads after the collector freed it (DJL's scalar
 * overloads, lm/README.md) gives different weights in the second.
 */
class GcDeterminismTest {

    @Test
    void weightsAreBitIdenticalWithAndWithoutGarbageCollection() throws Exception {
        List<String> noGc = run("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-Xmx4g");
        List<String> constantGc = run("-Xmn1m", "-XX:+UseSerialGC");
        assertEquals(List.of("sft", "reward", "ppo"), noGc.stream().map(l -> l.split(" ")[0]).toList(), noGc.toString());
        for (String line : noGc) {
            String[] f = line.split(" ");
            if (f.length > 2) assertEquals("0", f[2], "steps with a non-finite gradient: " + line);
        }
        assertEquals(noGc, constantGc, "weights after training without GC vs under constant GC");
    }

    /** Runs {@link TrainingFingerprint} in a new JVM with {@code gcOptions}; returns its fingerprint lines. */
    private static List<String> run(String... gcOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(gcOptions));
        for (String p : List.of("ai.djl.offline", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                dev.rlhf.lm.AdamW.NON_FINITE_PROPERTY)) {
            if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TrainingFingerprint.class.getName()));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(5, TimeUnit.MINUTES), "fingerprint run did not finish");
        assertEquals(0, proc.exitValue(), String.join(" ", gcOptions) + ":\n" + out);
        return out.lines().filter(l -> l.matches("(sft|reward|ppo) [0-9a-f]{64}( \\d+)?")).toList();
    }
}
