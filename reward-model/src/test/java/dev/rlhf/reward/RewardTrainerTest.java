package dev.rlhf.reward;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.reward.data.SyntheticComparisons;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training mechanics: mixed pair / best-of-4 batches, and micro-batches that add up to the whole batch. */
class RewardTrainerTest {

    static final GPT2Config SMALL = GPT2Config.of(ByteTokenizer.VOCAB_SIZE, 96, 32, 2, 2);

    static List<Preference> mixed() {
        List<Comparison> c = new ArrayList<>(new SyntheticComparisons(2, 0.25, 2).generate(3, 2));
        c.addAll(new SyntheticComparisons(3, 0.25, 4).generate(2, 1));
        List<Preference> p = PreferenceBuilder.build(c, PreferenceOptions.defaults().withLowConfidenceWeight(5, 0.5)
                .withConfidenceMargin(0.5)).preferences();
        assertEquals(8, p.size());                      // six pairs and two best-of-4 softmax examples
        return p;
    }

    /** Trains one step of 8 examples in micro-batches of {@code micro}; returns {first-step loss} ++ rewards after. */
    static double[] oneStep(int micro) {
        List<Preference> data = mixed();
        List<RewardProgress> progress = new ArrayList<>();
        // ε 1e-3: Adam's first step lr·g/(|g| + ε) is then smooth in g, not ≈ lr·sign(g), so the float rounding of
        // summing the gradients in another order cannot flip a near-zero element's whole step
        RewardConfig config = RewardConfig.defaults().withLearningRate(1e-2, 1e-2).withSchedule(0, LrShape.CONSTANT)
                .withBatch(8, micro).withEps(1e-3);
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             RewardModel model = RewardModel.fromScratch(SMALL, root, 9);
             RewardTrainer trainer = new RewardTrainer(model, new ByteTokenizer(), config)) {
            trainer.addListener(progress::add).train(data);
            assertEquals(1, progress.size());
            double[][] r = new RewardScorer(model, new ByteTokenizer()).scorePreferences(data);
            List<Double> out = new ArrayList<>(List.of(progress.get(0).loss(), progress.get(0).gradNorm()));
            for (double[] row : r) for (double v : row) out.add(v);
            return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    @Test
    void microBatchesAddUpToTheBatch() {
        double[] whole = oneStep(8), split = oneStep(3);
        assertEquals(whole[0], split[0], 1e-5, "loss of the step");
        assertEquals(whole[1], split[1], 1e-4, "gradient norm of the step");
        assertArrayEquals(whole, split, 1e-4, "rewards after the update");
        assertNotEquals(0.0, whole[1]);
    }

    /** Every step's arrays live in the step's sub-manager: the arrays held under the root stop growing after step 1. */
    @Test
    void nativeMemoryStaysFlat() {
        List<Integer> live = new ArrayList<>();
        RewardConfig config = RewardConfig.defaults().withLearningRate(1e-3, 1e-4).withBatch(4, 2).withEpochs(3);
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             RewardModel model = RewardModel.fromScratch(SMALL, root, 9);
             RewardTrainer trainer = new RewardTrainer(model, new ByteTokenizer(), config)) {
            trainer.addListener(p -> live.add(root.getManagedArrays().size())).train(mixed());
            new RewardScorer(model, new ByteTokenizer()).scorePreferences(mixed());
            live.add(root.getManagedArrays().size());
        }
        assertEquals(7, live.size());                           // 6 steps, then scoring
        assertTrue(live.get(0) > 0);
        for (int n : live) assertEquals(live.get(0), n, "arrays under the root after each step: " + live);
    }
}
