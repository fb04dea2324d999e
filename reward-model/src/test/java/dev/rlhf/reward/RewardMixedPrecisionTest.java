package dev.rlhf.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.rlhf.lm.Precision;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reward model trained with half-precision compute and float32 master weights against the same run in float32
 * (float16 here: Maven's JNI has no bfloat16): the losses agree within half-precision rounding, both fall, the
 * weights kept are float32, and native memory stays flat.
 */
class RewardMixedPrecisionTest {

    private record Run(List<Double> losses, List<Integer> live) {
    }

    private static Run train(Precision precision) {
        List<Double> losses = new ArrayList<>();
        List<Integer> live = new ArrayList<>();
        RewardConfig config = RewardConfig.defaults().withLearningRate(3e-3, 3e-3).withSchedule(0, LrShape.CONSTANT)
                .withBatch(4, 2).withEpochs(8).withPrecision(precision);
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             RewardModel model = RewardModel.fromScratch(RewardTrainerTest.SMALL, root, 9);
             RewardTrainer trainer = new RewardTrainer(model, new ByteTokenizer(), config)) {
            trainer.addListener(p -> {
                losses.add(p.loss());
                live.add(root.getManagedArrays().size());
            }).train(RewardTrainerTest.mixed());
            for (NDArray p : model.parameters()) assertEquals(DataType.FLOAT32, p.getDataType());
        }
        return new Run(losses, live);
    }

    @Test
    void halfComputeTrainsLikeFloat32() {
        Run full = train(Precision.FLOAT32), half = train(Precision.FLOAT16);
        assertEquals(16, full.losses().size());
        assertEquals(full.losses().size(), half.losses().size());
        for (int i = 0; i < full.losses().size(); i++) {
            assertEquals(full.losses().get(i), half.losses().get(i), 0.03 + 0.05 * full.losses().get(i), "loss at step " + (i + 1));
        }
        double firstFull = full.losses().get(0) + full.losses().get(1), lastFull = full.losses().get(14) + full.losses().get(15);
        double firstHalf = half.losses().get(0) + half.losses().get(1), lastHalf = half.losses().get(14) + half.losses().get(15);
        assertTrue(lastFull < firstFull * 0.7, "float32 learns: " + full.losses());
        assertTrue(lastHalf < firstHalf * 0.7, "mixed learns: " + half.losses());
        for (int n : half.live()) assertEquals(half.live().get(0), n, "arrays under the root after each step: " + half.live());
    }
}
