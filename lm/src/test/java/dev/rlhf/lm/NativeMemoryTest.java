package dev.rlhf.lm;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Native memory stays flat over 500 training steps: every step's arrays die with the step's manager. */
class NativeMemoryTest {

    // One hidden activation [B, T, d] = 16·64·64 floats = 256 KiB; leaking one per step for 400 steps is 100 MiB.
    static final GPT2Config CONFIG = GPT2Config.of(64, 64, 64, 1, 4);
    static final long ACTIVATION_BYTES = 16L * 64 * 64 * 4;

    @Test
    void residentMemoryDoesNotGrowOverFiveHundredSteps() throws Exception {
        Random r = new Random(0);
        List<SftExample> data = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int[] p = new int[8], c = new int[57];
            for (int j = 0; j < p.length; j++) p[j] = r.nextInt(63);
            for (int j = 0; j < c.length; j++) c[j] = r.nextInt(64);
            data.add(new SftExample(p, c));
        }
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 model = new GPT2(CONFIG, root, 1);
             SftTrainer trainer = new SftTrainer(model, SftConfig.defaults().withBatch(16, 1).withSteps(500, 10))) {
            for (int s = 0; s < 100; s++) trainer.step(data.subList((s % 4) * 16, (s % 4) * 16 + 16)); // warm-up
            // Arrays under the model's manager (parameters and the optimizer's moments) after the first steps.
            int arraysAfterWarmUp = model.manager().getManagedArrays().size();
            long rssWarm = rss();
            for (int s = 100; s < 500; s++) trainer.step(data.subList((s % 4) * 16, (s % 4) * 16 + 16));
            long grown = rss() - rssWarm;
            System.out.printf("RSS growth over 400 steps: %.1f MiB (one activation per step would be %.0f MiB)%n",
                    grown / 1048576.0, 400.0 * ACTIVATION_BYTES / 1048576.0);
            assertTrue(grown < 160L * ACTIVATION_BYTES, "RSS grew by " + grown / 1048576 + " MiB over 400 steps");
            assertEquals(arraysAfterWarmUp, model.manager().getManagedArrays().size(),
                    "arrays left in the model's manager");

            // Sampling leaves nothing behind either.
            Sampler sampler = new Sampler(model);
            int[][] prompts = {{1, 2, 3}, {4, 5}};
            for (int i = 0; i < 20; i++) sampler.generate(prompts, SamplingConfig.of(16, 1.0, i));
            assertEquals(arraysAfterWarmUp, model.manager().getManagedArrays().size());
        }
    }

    /**
     * A full pass frees each layer's intermediates when the layer is done (as PyTorch's reference counting does):
     * what is left in the pass's manager is the same for 1 layer and 6.
     */
    @Test
    void aFullPassKeepsNoLayerIntermediates() {
        int[] left = new int[2];
        for (int layers : new int[] {1, 6}) {
            try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
                 GPT2 model = new GPT2(GPT2Config.of(64, 64, 64, layers, 4), root, 1)) {
                try (NDManager pass = root.newSubManager()) {
                    ai.djl.ndarray.NDArray ids = pass.arange(0, 32).reshape(2, 16);
                    model.logits(ids).toFloatArray();
                    left[layers == 1 ? 0 : 1] = pass.getManagedArrays().size();
                }
            }
        }
        assertEquals(left[0], left[1], "arrays left after a pass of 1 layer and of 6 layers");
    }

    static long rss() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
