package dev.rlhf.lm;



import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.io.HfCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An SFT run stopped at a checkpoint and continued from it ends with the weights of a run that never stopped. */
class ResumeTest {

    static final GPT2Config CONFIG = GPT2Config.of(16, 16, 16, 2, 2);
    // 7 examples, 3 per step: the stop at step 5 falls in the middle of an epoch; weight decay and a warm-up/cosine
    // schedule make the moments, the step count and the learning rate all matter.
    static final SftConfig SFT = SftConfig.defaults().withSteps(12, 3).withLearningRate(3e-3, 3e-4).withBatch(3, 1)
            .withWeightDecay(0.1);

    @Test
    void aRunContinuedFromItsCheckpointEndsWithTheWeightsOfAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        List<SftExample> examples = TrainingMechanicsTest.examples(7, 3);
        Map<String, float[]> straight, resumed, restartedOptimizer;
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            try (GPT2 model = new GPT2(CONFIG, root, 9); SftTrainer t = new SftTrainer(model, SFT)) {
                t.train(examples);
                straight = weights(model);
            }
            Path ckpt = tmp.resolve("checkpoint-5");
            try (GPT2 model = new GPT2(CONFIG, root, 9); SftTrainer t = new SftTrainer(model, SFT.withCheckpointEvery(5))) {
                t.checkpointHook((m, step) -> {                       // the same run, killed after its first checkpoint
                    HfCheckpoint.save(ckpt, m.config(), m.namedTensors(), Map.of(), null);
                    t.saveState(ckpt);
                    throw new IllegalStateException("killed at step " + step);
                });
                Exception killed = assertThrows(IllegalStateException.class, () -> t.train(examples));
                assertEquals("killed at step 5", killed.getMessage());
            }
            assertTrue(Files.isRegularFile(ckpt.resolve(TrainingState.OPTIMIZER_FILE)));
            try (NDManager io = root.newSubManager()) {
                HfCheckpoint saved = HfCheckpoint.load(ckpt, io);
                try (CausalLm model = saved.model(root); SftTrainer t = new SftTrainer(model, SFT)) {
                    t.restoreState(ckpt);
                    assertEquals(5, t.steps());
                    TrainingListener.Progress last = t.train(examples);
                    assertEquals(12, last.step());
                    resumed = weights(model);
                }
                // The weights alone are not enough: a fresh optimizer (moments zero, schedule from the start) drifts.
                try (CausalLm model = saved.model(root);
                     SftTrainer t = new SftTrainer(model, SFT.withSteps(7, 0))) {
                    t.train(examples);
                    restartedOptimizer = weights(model);
                }
            }
        }
        double resumedDiff = Weights.maxDiff(straight, resumed), restartDiff = Weights.maxDiff(straight, restartedOptimizer);
        assertTrue(resumedDiff < 1e-6, "resumed run differs from the uninterrupted one by " + resumedDiff);
        assertTrue(restartDiff > 1e-3, "a restarted optimizer should differ, max diff " + restartDiff);
    }

    @Test
    void aStateFromAnotherShapeOrPastTheEndIsRefused(@TempDir Path tmp) throws Exception {
        List<SftExample> examples = TrainingMechanicsTest.examples(4, 5);
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            try (GPT2 model = new GPT2(CONFIG, root, 1); SftTrainer t = new SftTrainer(model, SFT.withSteps(4, 0))) {
                t.train(examples);
                t.saveState(tmp.resolve("a"));
            }
            try (GPT2 model = new GPT2(CONFIG, root, 1); SftTrainer t = new SftTrainer(model, SFT.withSteps(3, 0))) {
                Exception e = assertThrows(java.io.IOException.class, () -> t.restoreState(tmp.resolve("a")));
                assertTrue(e.getMessage().contains("past the run's 3 steps"), e.getMessage());
            }
            try (GPT2 model = new GPT2(GPT2Config.of(16, 16, 32, 2, 2), root, 1); SftTrainer t = new SftTrainer(model, SFT)) {
                Exception e = assertThrows(java.io.IOException.class, () -> t.restoreState(tmp.resolve("a")));
                assertTrue(e.getMessage().contains("moments of wte.weight have shape"), e.getMessage());
            }
        }
    }

    static Map<String, float[]> weights(CausalLm model) {
        return Weights.of(model.namedTensors());
    }
}
