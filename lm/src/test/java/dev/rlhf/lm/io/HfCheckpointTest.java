package dev.rlhf.lm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.tokenizer.HfTokenizer;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfCheckpointTest extends ManagerAndTempDir {

    /** Every GPT-2 tensor equals the script's dump of it: the first values exactly, the sum to float rounding. */
    private static void assertMatchesScriptValues(HfCheckpoint ckpt, Path sampleJson) {
        JsonObject samples = Fixtures.json(sampleJson);
        assertEquals(samples.keySet(), ckpt.tensors().keySet());
        for (Map.Entry<String, JsonElement> e : samples.entrySet()) {
            NDArray a = ckpt.tensors().get(e.getKey());
            JsonObject s = e.getValue().getAsJsonObject();
            assertEquals(DataType.FLOAT32, a.getDataType(), e.getKey());
            long[] shape = s.getAsJsonArray("shape").asList().stream().mapToLong(JsonElement::getAsLong).toArray();
            assertArrayEquals(shape, a.getShape().getShape(), e.getKey());
            float[] values = a.toFloatArray();
            JsonArray first = s.getAsJsonArray("first");
            for (int i = 0; i < first.size(); i++) {
                assertEquals(first.get(i).getAsFloat(), values[i], 0f, e.getKey() + "[" + i + "]");
            }
            double sum = 0;
            for (float v : values) sum += v;
            assertEquals(s.get("sum").getAsDouble(), sum, 1e-9 * Math.max(1, values.length), e.getKey() + " sum");
        }
    }

    @Test
    void loadsTheFixtureWithPrefixAndMaskBuffers() throws IOException {
        HfCheckpoint ckpt = HfCheckpoint.load(Fixtures.dir(""), manager);
        assertEquals(297, ckpt.config().vocab_size());
        assertEquals(296, ckpt.config().eos_token_id());
        assertEquals(ckpt.config().tensorShapes().keySet(), ckpt.tensors().keySet());
        assertTrue(ckpt.extraTensors().isEmpty(), "attn.bias / masked_bias are ignored: " + ckpt.extraTensors().keySet());
        assertMatchesScriptValues(ckpt, Fixtures.dir("weights_sample.json"));
    }

    @Test
    void loadsTheFixtureWithoutPrefix() throws IOException {
        HfCheckpoint ckpt = HfCheckpoint.load(Fixtures.dir("no-prefix"), manager);
        assertTrue(ckpt.extraTensors().isEmpty());
        assertMatchesScriptValues(ckpt, Fixtures.dir("no-prefix/weights_sample.json"));
        HfCheckpoint prefixed = HfCheckpoint.load(Fixtures.dir(""), manager);
        for (String name : ckpt.tensors().keySet()) {
            assertTrue(ckpt.tensors().get(name).contentEquals(prefixed.tensors().get(name)), name);
        }
    }

    @Test
    void loadsF16AndBf16AsFloat32OfTheRoundedValues() throws IOException {
        for (String variant : new String[] {"f16", "bf16"}) {
            HfCheckpoint ckpt = HfCheckpoint.load(Fixtures.dir(variant), manager);
            assertMatchesScriptValues(ckpt, Fixtures.dir(variant + "/weights_sample.json"));
        }
        // Rounding changed the values: the F16 model is not the F32 one.
        float f32 = HfCheckpoint.load(Fixtures.dir(""), manager).tensors().get("wte.weight").toFloatArray()[0];
        float f16 = HfCheckpoint.load(Fixtures.dir("f16"), manager).tensors().get("wte.weight").toFloatArray()[0];
        assertTrue(f32 != f16 && Math.abs(f32 - f16) < 1e-3, f32 + " vs " + f16);
    }

    @Test
    void saveThenLoadGivesIdenticalTensorsInTheHuggingFaceLayout() throws IOException {
        GPT2Config config = GPT2Config.of(61, 24, 12, 3, 3);
        Map<String, NDArray> tensors = randomGpt2(config, 11);
        NDArray score = manager.randomNormal(new Shape(1, 12));
        Path dir = tmp.resolve("model");
        HfCheckpoint.save(dir, config, tensors, Map.of("score.weight", score), new ByteTokenizer());

        IndependentSafeTensorsReader file = new IndependentSafeTensorsReader(dir.resolve("model.safetensors"));
        assertEquals("pt", file.metadata.get("format"));
        assertFalse(file.tensors.containsKey("lm_head.weight"));
        assertTrue(file.tensors.containsKey("score.weight"));
        for (String name : config.tensorShapes().keySet()) {
            assertArrayEquals(tensors.get(name).toFloatArray(), file.tensors.get("transformer." + name).asF32(), name);
        }
        assertEquals(config.tensorShapes().size() + 1, file.tensors.size());

        HfCheckpoint back = HfCheckpoint.load(dir, manager);
        assertEquals(config, back.config());
        assertEquals(tensors.keySet(), back.tensors().keySet());
        for (String name : tensors.keySet()) assertTrue(tensors.get(name).contentEquals(back.tensors().get(name)), name);
        assertEquals(Map.of("score.weight", new Shape(1, 12)), Map.of("score.weight", back.extraTensors().get("score.weight").getShape()));
        assertTrue(score.contentEquals(back.extraTensors().get("score.weight")));
        assertInstanceOf(ByteTokenizer.class, Tokenizers.load(dir));

        // Saving again over the same directory, now with a BPE tokenizer, replaces the byte marker.
        try (HfTokenizer bpe = HfTokenizer.load(Fixtures.dir("tokenizer.json"))) {
            HfCheckpoint.save(dir, config, back.tensors(), back.extraTensors(), bpe);
        }
        assertFalse(Files.exists(dir.resolve(ByteTokenizer.MARKER_FILE)));
        Tokenizer t = Tokenizers.load(dir);
        assertInstanceOf(HfTokenizer.class, t);
        ((HfTokenizer) t).close();
        HfCheckpoint again = HfCheckpoint.load(dir, manager);
        for (String name : tensors.keySet()) assertTrue(tensors.get(name).contentEquals(again.tensors().get(name)), name);
    }

    @Test
    void savesHalfPrecisionOnRequest() throws IOException {
        HfCheckpoint f32 = HfCheckpoint.load(Fixtures.dir(""), manager);
        Path dir = tmp.resolve("bf16");
        HfCheckpoint.save(dir, f32.config(), f32.tensors(), Map.of(), null, TensorDType.BF16);
        assertEquals("BF16", new IndependentSafeTensorsReader(dir.resolve("model.safetensors"))
                .tensors.get("transformer.wte.weight").dtype());
        assertMatchesScriptValues(HfCheckpoint.load(dir, manager), Fixtures.dir("bf16/weights_sample.json"));
    }

    @Test
    void saveRefusesIncompleteOrMisshapenTensors() {
        GPT2Config config = GPT2Config.of(20, 8, 4, 1, 1);
        Map<String, NDArray> tensors = randomGpt2(config, 11);
        Path dir = tmp.resolve("x");
        tensors.remove("ln_f.bias");
        assertEquals("missing tensor ln_f.bias", assertThrows(IllegalArgumentException.class,
                () -> HfCheckpoint.save(dir, config, tensors)).getMessage());
        tensors.put("ln_f.bias", manager.zeros(new Shape(5)));
        assertEquals("tensor ln_f.bias has shape (5), expected [4]", assertThrows(IllegalArgumentException.class,
                () -> HfCheckpoint.save(dir, config, tensors)).getMessage());
        tensors.put("ln_f.bias", manager.zeros(new Shape(4)));
        assertThrows(IllegalArgumentException.class,
                () -> HfCheckpoint.save(dir, config, tensors, Map.of("transformer.wte.weight", manager.zeros(new Shape(1))), null));
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
    }

    // ------------------------------------------------------------------ malformed model directories

    /** The fixture with some tensors of its safetensors file replaced or removed (null value), written by our writer. */
    private Path fixtureWith(String name, Map<String, NDArray> changes) throws IOException {
        Path dir = Fixtures.copyModelDir(Fixtures.dir(""), tmp.resolve(name));
        Map<String, NDArray> all = SafeTensors.read(dir.resolve("model.safetensors"), manager);
        changes.forEach((k, v) -> {
            if (v == null) all.remove(k);
            else all.put(k, v);
        });
        SafeTensors.write(dir.resolve("model.safetensors"), all, SafeTensors.PT_METADATA);
        return dir;
    }

    private String loadError(Path dir) {
        return assertThrows(CheckpointFormatException.class, () -> HfCheckpoint.load(dir, manager)).getMessage();
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Map<String, NDArray> changes = new LinkedHashMap<>();
        changes.put("transformer.h.1.attn.c_attn.weight", null);
        String m = loadError(fixtureWith("missing", changes));
        assertTrue(m.endsWith("missing tensor h.1.attn.c_attn.weight"), m);
    }

    @Test
    void wrongShapeNamesTensorExpectedAndActual() throws IOException {
        String m = loadError(fixtureWith("shape", Map.of("transformer.h.0.mlp.c_fc.weight", manager.zeros(new Shape(64, 16)))));
        assertTrue(m.contains("tensor h.0.mlp.c_fc.weight has shape [64, 16], expected [16, 64]"), m);
    }

    @Test
    void unknownModelTypeIsRefused() throws IOException {
        Path dir = Fixtures.copyModelDir(Fixtures.dir(""), tmp.resolve("t5"));
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"gpt2\"", "\"t5\""), StandardCharsets.UTF_8);
        String m = loadError(dir);
        assertTrue(m.contains("model_type is \"t5\", expected one of gpt2, llama, qwen2, mistral, gpt_neox"), m);
    }

    @Test
    void truncatedWeightsAreRefused() throws IOException {
        Path dir = Fixtures.copyModelDir(Fixtures.dir(""), tmp.resolve("cut"));
        Path weights = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(all, all.length - 100));
        String m = loadError(dir);
        assertTrue(m.contains("model.safetensors") && m.contains("out of range"), m);
    }

    @Test
    void extraTensorsAndDuplicatesAndMissingFiles() throws IOException {
        String dup = loadError(fixtureWith("dup", Map.of("ln_f.bias", manager.zeros(new Shape(16)))));
        assertTrue(dup.contains("tensor ln_f.bias is stored twice"), dup);

        HfCheckpoint withHead = HfCheckpoint.load(fixtureWith("head", Map.of("score.weight", manager.ones(new Shape(1, 16)),
                "lm_head.weight", manager.zeros(new Shape(297, 16)))), manager);
        assertEquals(java.util.Set.of("score.weight"), withHead.extraTensors().keySet());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(loadError(empty).contains("no config.json"));
        Files.copy(Fixtures.dir("config.json"), empty.resolve("config.json"));
        assertTrue(loadError(empty).contains("no model.safetensors"));
    }

    @Test
    void shardedCheckpointsLoadThroughTheirIndex() throws IOException {
        Map<String, NDArray> all = SafeTensors.read(Fixtures.dir("model.safetensors"), manager);
        Map<String, NDArray> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        JsonObject weightMap = new JsonObject();
        all.forEach((k, v) -> {
            boolean one = !k.contains(".h.1.");
            (one ? first : second).put(k, v);
            weightMap.addProperty(k, one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        });
        Path dir = Files.createDirectories(tmp.resolve("sharded"));
        Files.copy(Fixtures.dir("config.json"), dir.resolve("config.json"));
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), first, SafeTensors.PT_METADATA);
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), second, SafeTensors.PT_METADATA);
        JsonObject index = new JsonObject();
        index.add("weight_map", weightMap);
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        assertMatchesScriptValues(HfCheckpoint.load(dir, manager), Fixtures.dir("weights_sample.json"));
    }
}
