package dev.rlhf.lm;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny model learns to copy a 6-digit string from scratch on the CPU, then reproduces fresh ones greedily and
 * stops at EOS.
 */
class CopyTaskTest {

    static final int SEP = 10, EOS = 11, DIGITS = 6;
    static final GPT2Config CONFIG = new GPT2Config(12, 16, 64, 2, 4, null, "gelu_new", 1e-5, 0.02, EOS, EOS);

    static SftExample example(Random r) {
        int digits = DIGITS;
        int[] prompt = new int[digits + 1], completion = new int[digits + 1];
        for (int i = 0; i < digits; i++) prompt[i] = completion[i] = r.nextInt(10);
        prompt[digits] = SEP;
        completion[digits] = EOS;
        return new SftExample(prompt, completion);
    }

    @Test
    void learnsToCopy() throws Exception {
        Random r = new Random(1);
        List<SftExample> train = new ArrayList<>();
        for (int i = 0; i < 4000; i++) train.add(example(r));
        SftConfig config = SftConfig.defaults().withLearningRate(3e-3, 3e-4).withSteps(400, 20).withBatch(32, 1)
                .withCheckpointEvery(200);
        List<Integer> checkpoints = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        // CPU time of the whole process (all threads, native included): a minute of the 2-core machine is 120 s.
        // Unlike wall time it does not grow when other builds share the cores.
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 model = new GPT2(CONFIG, root, 42);
             SftTrainer trainer = new SftTrainer(model, config)) {
            trainer.addListener(p -> losses.add(p.loss()))
                    .metrics(new dev.rlhf.lm.metrics.ConsoleSink())
                    .checkpointHook((m, step) -> checkpoints.add(step));
            TrainingListener.Progress last = trainer.train(train);
            double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
            assertEquals(400, last.step());
            assertEquals(List.of(200, 400), checkpoints);
            assertTrue(losses.get(0) > 1.5, "starts near log(12): " + losses.get(0));
            double tail = losses.subList(380, 400).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertTrue(tail < 0.05, "copy loss after 400 steps: " + tail);
            assertTrue(cpuSeconds < 120, "training took " + cpuSeconds + " s of CPU time");

            // Greedy decoding on fresh strings: exact copies, then EOS, then EOS as padding.
            Random fresh = new Random(99);
            int n = 64, exact = 0;
            int[][] prompts = new int[n][];
            List<SftExample> tests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SftExample e = example(fresh);
                tests.add(e);
                prompts[i] = e.prompt();
            }
            Sampler.Result out = new Sampler(model).generate(prompts, SamplingConfig.greedy(DIGITS + 3));
            for (int i = 0; i < n; i++) {
                int[] want = tests.get(i).completion();
                int[] got = java.util.Arrays.copyOf(out.tokens()[i], want.length);
                if (java.util.Arrays.equals(want, got)) {
                    exact++;
                    assertEquals(want.length, out.lengths()[i], "stops right after EOS");
                    for (int j = want.length; j < DIGITS + 3; j++) {
                        assertEquals(EOS, out.tokens()[i][j], "EOS as padding after the end");
                        assertEquals(0f, out.logProbs()[i][j]);
                    }
                }
            }
            assertTrue(exact >= 0.9 * n, "exact copies: " + exact + " of " + n);
        }
    }
}
