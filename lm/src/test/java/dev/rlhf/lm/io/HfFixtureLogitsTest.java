package dev.rlhf.lm.io;

import dev.rlhf.lm.CausalLm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.GPT2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model loaded from the Hugging Face layout fixture gives the logits that an independent PyTorch implementation
 * of GPT-2 computed for the same weights (with left padding and explicit position ids), and a checkpoint saved
 * here loads back to identical logits.
 */
class HfFixtureLogitsTest {
    private static final Path FIXTURE = Path.of("src/test/resources/hf-tiny-gpt2");

    @ParameterizedTest
    @ValueSource(strings = {"", "no-prefix", "f16", "bf16"})
    void logitsMatchTheReferenceImplementation(String variant) throws Exception {
        Path dir = variant.isEmpty() ? FIXTURE : FIXTURE.resolve(variant);
        Path expectedFile = Files.exists(dir.resolve("expected_logits.json"))
                ? dir.resolve("expected_logits.json") : FIXTURE.resolve("expected_logits.json");
        JsonObject expected = JsonParser.parseString(Files.readString(expectedFile)).getAsJsonObject();
        try (NDManager m = NDManager.newBaseManager()) {
            HfCheckpoint ckpt = HfCheckpoint.load(dir, m);
            try (CausalLm model = ckpt.model(m)) {
                float[][][] logits = run(model, expected, m);
                assertClose(expected, logits, 1e-4);
            }
        }
    }

    @Test
    void savedCheckpointLoadsToIdenticalLogits(@TempDir Path out) throws Exception {
        JsonObject expected = JsonParser.parseString(Files.readString(FIXTURE.resolve("expected_logits.json")))
                .getAsJsonObject();
        try (NDManager m = NDManager.newBaseManager()) {
            HfCheckpoint ckpt = HfCheckpoint.load(FIXTURE, m);
            float[][][] before, after;
            try (CausalLm model = ckpt.model(m)) {
                before = run(model, expected, m);
                HfCheckpoint.save(out, model.config(), model.namedTensors());
            }
            HfCheckpoint again = HfCheckpoint.load(out, m);
            try (CausalLm model = again.model(m)) {
                after = run(model, expected, m);
            }
            for (int b = 0; b < before.length; b++) {
                for (int t = 0; t < before[b].length; t++) {
                    for (int v = 0; v < before[b][t].length; v++) {
                        assertEquals(before[b][t][v], after[b][t][v], 0.0, "logit " + b + "," + t + "," + v);
                    }
                }
            }
        }
    }

    private static float[][][] run(CausalLm model, JsonObject expected, NDManager parent) {
        long[][] ids = longs(expected.getAsJsonArray("input_ids"));
        long[][] mask = longs(expected.getAsJsonArray("attention_mask"));
        long[][] pos = longs(expected.getAsJsonArray("position_ids"));
        int b = ids.length, t = ids[0].length;
        try (NDManager step = parent.newSubManager()) {
            NDArray logits = model.logits(step.create(ids), step.create(mask), step.create(pos), null);
            int v = Math.toIntExact(logits.getShape().get(2));
            assertEquals(new Shape(b, t, v), logits.getShape());
            float[] flat = logits.toFloatArray();
            float[][][] out = new float[b][t][v];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) System.arraycopy(flat, (i * t + j) * v, out[i][j], 0, v);
            }
            return out;
        }
    }

    private static void assertClose(JsonObject expected, float[][][] actual, double tol) {
        JsonArray rows = expected.getAsJsonArray("logits");
        long[][] mask = longs(expected.getAsJsonArray("attention_mask"));
        int compared = 0;
        double worst = 0;
        for (int b = 0; b < actual.length; b++) {
            JsonArray row = rows.get(b).getAsJsonArray();
            for (int t = 0; t < actual[b].length; t++) {
                if (mask[b][t] == 0) continue;
                JsonArray vec = row.get(t).getAsJsonArray();
                assertEquals(vec.size(), actual[b][t].length);
                for (int v = 0; v < vec.size(); v++) {
                    worst = Math.max(worst, Math.abs(vec.get(v).getAsDouble() - actual[b][t][v]));
                    compared++;
                }
            }
        }
        assertTrue(compared > 0);
        assertTrue(worst <= tol, "largest logit difference " + worst + " exceeds " + tol);
    }

    private static long[][] longs(JsonArray a) {
        long[][] out = new long[a.size()][];
        for (int i = 0; i < a.size(); i++) {
            JsonArray r = a.get(i).getAsJsonArray();
            out[i] = new long[r.size()];
            for (int j = 0; j < r.size(); j++) out[i][j] = r.get(j).getAsLong();
        }
        return out;
    }
}
