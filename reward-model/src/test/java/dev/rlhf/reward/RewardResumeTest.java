package dev.rlhf.reward;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.Weights;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.reward.data.SyntheticComparisons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reward-model run stopped mid-training and started again on its checkpoints ends where an unbroken run ends. */
class RewardResumeTest {

    static final class Killed extends RuntimeException {
        Killed(int step) {
            super("killed after step " + step);
        }
    }

    @Test
    void aRunStartedAgainGoesOnFromItsCheckpointAndEndsWithTheSameModel(@TempDir Path tmp) throws Exception {
        List<Comparison> data = new SyntheticComparisons(5, 0.1, 2).generate(24, 2);
        // a warm-up + cosine schedule over three epochs: the moments, the step, the learning rate and the order all matter
        RewardConfig config = RewardConfig.defaults().withLearningRate(3e-3, 3e-4).withBatch(8, 4).withEpochs(3);
        RewardModelRun.Spec spec = new RewardModelRun.Spec(PreferenceOptions.defaults(), config, 0.25, false, config.seed(), "ref", 1, List.of());
        ByteTokenizer tok = new ByteTokenizer();
        RewardModelRun.ModelFactory factory = (m, seed) -> RewardModel.fromScratch(RewardTrainerTest.SMALL, m, seed);
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            Map<String, float[]> straight;
            double straightAccuracy;
            List<Integer> steps = new ArrayList<>();
            RewardModelRun.Result a = RewardModelRun.run(data, spec, tok, factory, root, p -> steps.add(p.step()));
            try (RewardModel m = a.models().get(0)) {
                straight = weights(m);
                straightAccuracy = a.evaluation().accuracy();
            }
            int total = steps.size();
            assertTrue(total >= 9, "steps " + total);

            List<Path> saved = new ArrayList<>();
            RewardModelRun.Checkpoints ckpts = new RewardModelRun.Checkpoints(tmp, 4, saved::add);
            Killed killed = assertThrows(Killed.class, () -> RewardModelRun.run(data, spec, tok, factory, root, p -> {
                if (p.step() == 6) throw new Killed(p.step());             // after the checkpoint of step 4
            }, ckpts));
            assertEquals("killed after step 6", killed.getMessage());
            assertEquals(List.of(tmp.resolve("member-0/checkpoint-4")), saved);
            assertEquals(tmp.resolve("member-0/checkpoint-4"), ckpts.latest(0));

            List<Integer> resumedSteps = new ArrayList<>();
            RewardModelRun.Result b = RewardModelRun.run(data, spec, tok, factory, root, p -> resumedSteps.add(p.step()), ckpts);
            try (RewardModel m = b.models().get(0)) {
                assertEquals(5, resumedSteps.get(0), "the first step after the checkpoint");
                assertEquals(total, resumedSteps.get(resumedSteps.size() - 1));
                double diff = Weights.maxDiff(straight, weights(m));
                assertTrue(diff < 1e-6, "resumed model differs from the unbroken one by " + diff);
                assertEquals(straightAccuracy, b.evaluation().accuracy(), 1e-12);
            }
            // only the latest checkpoint is kept; it is complete, so a third start trains nothing and ends the same
            Path last = tmp.resolve("member-0/checkpoint-" + total);
            assertEquals(last, ckpts.latest(0));
            assertFalse(Files.exists(tmp.resolve("member-0/checkpoint-4")));
            List<Integer> none = new ArrayList<>();
            RewardModelRun.Result c = RewardModelRun.run(data, spec, tok, factory, root, p -> none.add(p.step()), ckpts);
            try (RewardModel m = c.models().get(0)) {
                assertEquals(List.of(), none);
                assertTrue(Weights.maxDiff(straight, weights(m)) < 1e-6);
            }
        }
    }

    static Map<String, float[]> weights(RewardModel model) {
        return Weights.of(model.namedParameters());
    }
}
