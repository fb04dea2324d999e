package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mixed precision against float32 on the copy task: the same model, data and seed trained once in float32 and once
 * with half-precision compute (float16: Maven's JNI has no bfloat16) and float32 master weights. Both learn, their
 * losses stay within half-precision rounding of each other, and the weights the trainer keeps stay float32.
 */
class MixedPrecisionTest {

    private static final int STEPS = 60;

    private static List<Double> train(Precision precision, List<SftExample> data, float[][] finalWeights) throws Exception {
        SftConfig config = SftConfig.defaults().withLearningRate(3e-3, 3e-4).withSteps(STEPS, 5).withBatch(16, 2)
                .withPrecision(precision);
        List<Double> losses = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 model = new GPT2(CopyTaskTest.CONFIG, root, 7);
             SftTrainer trainer = new SftTrainer(model, config)) {
            trainer.addListener(p -> losses.add(p.loss()));
            trainer.train(data);
            for (NDArray p : model.namedTensors().values()) assertEquals(DataType.FLOAT32, p.getDataType(), "master weights");
            NDArray w = model.namedTensors().get("h.0.mlp.c_fc.weight");
            finalWeights[0] = w.toFloatArray();
            finalWeights[1] = w.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
        }
        return losses;
    }

    @Test
    void halfComputeTrainsLikeFloat32() throws Exception {
        Random r = new Random(3);
        List<SftExample> data = new ArrayList<>();
        for (int i = 0; i < 2000; i++) data.add(CopyTaskTest.example(r));
        float[][] w32 = new float[2][], w16 = new float[2][];
        List<Double> full = train(Precision.FLOAT32, data, w32);
        List<Double> half = train(Precision.FLOAT16, data, w16);

        assertTrue(full.get(STEPS - 1) < full.get(0) * 0.7, "float32 learns: " + full.get(0) + " → " + full.get(STEPS - 1));
        assertTrue(half.get(STEPS - 1) < half.get(0) * 0.7, "mixed learns: " + half.get(0) + " → " + half.get(STEPS - 1));
        assertEquals(full.get(0), half.get(0), 0.01, "first loss: the same weights, rounded to float16");
        for (int i = 0; i < STEPS; i++) {
            assertEquals(full.get(i), half.get(i), 0.05 * full.get(i) + 0.02, "loss at step " + (i + 1));
        }
        // the masters took updates of their own (not rounded to float16 and back): they are not all float16 values
        assertFalse(java.util.Arrays.equals(w16[0], w16[1]), "float32 master weights hold more than float16's bits");
        double diff = 0, norm = 0;
        for (int i = 0; i < w32[0].length; i++) {
            diff += Math.abs(w32[0][i] - w16[0][i]);
            norm += Math.abs(w32[0][i]);
        }
        assertTrue(diff / norm < 0.05, "weights after training differ by " + diff / norm + " (relative L1)");
        assertFalse(diff == 0, "the two runs really computed in different types");
    }

    @Test
    void bfloat16IsRefusedByNameOnAJniWithoutIt() {
        // Maven Central's JNI (the tests') maps no bfloat16: the trainer refuses before any array is made.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Precision.BFLOAT16::requireSupported);
        assertTrue(e.getMessage().startsWith("precision: bfloat16 needs"), e.getMessage());
        Precision.FLOAT32.requireSupported();
        Precision.FLOAT16.requireSupported();
    }
}
