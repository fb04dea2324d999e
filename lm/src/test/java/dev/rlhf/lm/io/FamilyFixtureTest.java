package dev.rlhf.lm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.KvCache;
import dev.rlhf.lm.LmConfig;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import ai.djl.ndarray.NDArrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny Llama, Llama-3-scaled, Qwen2, Mistral and GPT-NeoX checkpoints of {@code hf-tiny-families}, made by
 * {@code src/test/python/make_family_fixtures.py} with an independent plain-torch implementation of transformers'
 * modelling code: logits, greedy continuations, the KV cache, left padding, sharded and half-precision files, and
 * save → load.
 */
class FamilyFixtureTest {

    static NDManager root;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    static Path dir(String family) {
        try {
            return Path.of(FamilyFixtureTest.class.getResource("/hf-tiny-families").toURI()).resolve(family);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** expected.safetensors of a family: input_ids, attention_mask, position_ids, logits, prompt_ids, greedy_ids. */
    static Map<String, NDArray> expected(String family, NDManager m) throws IOException {
        String base = family.equals("qwen2-sharded") ? "qwen2" : family;
        return SafeTensors.read(dir(base).resolve("expected.safetensors"), m);
    }

    /** A check of one family's model against its expected tensors, both in {@code m}. */
    @FunctionalInterface
    interface FamilyCheck {
        void check(NDManager m, CausalLm model, Map<String, NDArray> expected) throws IOException;
    }

    /** Loads the family's model and its expected tensors in a manager of their own, closed after {@code check}. */
    static void withModel(String family, FamilyCheck check) throws IOException {
        try (NDManager m = root.newSubManager(); CausalLm model = HfCheckpoint.loadModel(dir(family), m)) {
            check.check(m, model, expected(family, m));
        }
    }

    static NDArray logits(CausalLm model, Map<String, NDArray> e) {
        return model.logits(e.get("input_ids"), e.get("attention_mask"), e.get("position_ids"), null);
    }

    /** The largest |a − b| over the positions whose attention mask is 1. */
    static double worstAtRealPositions(NDArray a, NDArray b, NDArray mask) {
        NDArray real = mask.toType(DataType.FLOAT32, false).expandDims(-1);
        return a.sub(b).abs().mul(real).max().getFloat();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama3", "qwen2", "mistral", "neox", "llama-f16", "llama-bf16", "qwen2-sharded"})
    void logitsMatchTheIndependentImplementation(String family) throws IOException {
        withModel(family, (m, model, e) -> {
            NDArray ours = logits(model, e);
            assertEquals(e.get("logits").getShape(), ours.getShape());
            double worst = worstAtRealPositions(ours, e.get("logits"), e.get("attention_mask"));
            assertTrue(worst <= 1e-4, family + ": largest logit difference " + worst);
            assertTrue(e.get("logits").abs().max().getFloat() > 1, "logits of a size where 1e-4 means something");
        });
    }

    @Test
    void shardedCheckpointLoadsTheSameTensorsAsTheSingleFile() throws IOException {
        try (NDManager m = root.newSubManager()) {
            HfCheckpoint single = HfCheckpoint.load(dir("qwen2"), m);
            HfCheckpoint sharded = HfCheckpoint.load(dir("qwen2-sharded"), m);
            assertTrue(Files.isRegularFile(dir("qwen2-sharded").resolve(HfCheckpoint.WEIGHTS_INDEX_FILE)));
            assertEquals(single.tensors().keySet(), sharded.tensors().keySet());
            single.tensors().forEach((k, v) -> assertArrayEquals(v.toFloatArray(), sharded.tensors().get(k).toFloatArray(), 0f, k));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama3", "qwen2", "mistral", "neox"})
    void greedyContinuationIsTheReferenceOneWithAndWithoutTheCache(String family) throws IOException {
        withModel(family, (m, model, e) -> {
            int[] prompt = Arrays.stream(e.get("prompt_ids").toLongArray()).mapToInt(Math::toIntExact).toArray();
            int[] want = Arrays.stream(e.get("greedy_ids").toLongArray()).mapToInt(Math::toIntExact).toArray();
            SamplingConfig greedy = SamplingConfig.of(6, 0, 1);
            for (boolean cache : new boolean[] {true, false}) {
                Sampler.Result r = new Sampler(model).generate(new int[][] {prompt}, greedy, cache);
                assertArrayEquals(want, Arrays.copyOf(r.tokens()[0], r.lengths()[0]), family + " cache " + cache);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama3", "qwen2", "mistral", "neox"})
    void kvCacheGivesTheLogitsOfTheFullPass(String family) throws IOException {
        withModel(family, (m, model, e) -> {
            NDArray ids = e.get("input_ids"), mask = e.get("attention_mask");
            long t = ids.getShape().get(1);
            NDArray full = model.logits(ids, mask, null, null);
            KvCache cache = new KvCache(model.config(), m, 2, Math.toIntExact(t), model.dataType());
            int prefix = 3;
            NDArray first = model.logits(ids.get(":, :{}", prefix), mask.get(":, :{}", prefix), null, cache);
            NDArray[] parts = new NDArray[Math.toIntExact(t - prefix + 1)];
            parts[0] = first;
            for (int i = prefix; i < t; i++) {                     // one token at a time
                parts[i - prefix + 1] = model.logits(ids.get(":, {}:{}", i, i + 1), mask.get(":, :{}", i + 1), null, cache);
            }
            NDArray cached = NDArrays.concat(new ai.djl.ndarray.NDList(parts), 1);
            double worst = worstAtRealPositions(cached, full, mask);
            assertTrue(worst <= 1e-4, family + ": cached differs from the full pass by " + worst);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama3", "qwen2", "mistral", "neox"})
    void leftPaddedRowGivesTheLogitsOfTheRowAlone(String family) throws IOException {
        withModel(family, (m, model, e) -> {
            NDArray ids = e.get("input_ids"), mask = e.get("attention_mask");
            long pad = ids.getShape().get(1) - mask.get(1).sum().getLong();
            assertTrue(pad > 0);
            NDArray padded = model.logits(ids, mask, null, null).get("1, {}:, :", pad);   // positions from the mask
            NDArray alone = model.logits(ids.get("1:2, {}:", pad)).get(0);
            float worst = padded.sub(alone).abs().max().getFloat();
            assertTrue(worst <= 1e-5, family + ": padded row differs by " + worst);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "mistral", "neox", "llama-f16", "llama-bf16"})
    void savedCheckpointLoadsBackBitForBit(String family, @TempDir Path out) throws IOException {
        try (NDManager m = root.newSubManager()) {
            HfCheckpoint c = HfCheckpoint.load(dir(family), m);
            HfCheckpoint.save(out, c.config(), c.tensors(), Map.of(), null, c.storedType());
            JsonObject config = Fixtures.json(out.resolve(HfCheckpoint.CONFIG_FILE));
            JsonObject original = Fixtures.json(dir(family).resolve(HfCheckpoint.CONFIG_FILE));
            assertEquals(original.get("architectures"), config.get("architectures"));
            assertEquals(original.get("torch_dtype"), config.get("torch_dtype"));
            HfCheckpoint back = HfCheckpoint.load(out, m);
            assertEquals(c.config(), back.config());
            assertEquals(c.tensors().keySet(), back.tensors().keySet());
            c.tensors().forEach((k, v) -> assertArrayEquals(v.toFloatArray(), back.tensors().get(k).toFloatArray(), 0f, k));
            // the stored bytes too: half precision is widened exactly and narrowed back to the same bits
            try (SafeTensors a = SafeTensors.open(dir(family).resolve(HfCheckpoint.WEIGHTS_FILE));
                 SafeTensors b = SafeTensors.open(out.resolve(HfCheckpoint.WEIGHTS_FILE))) {
                for (SafeTensors.TensorInfo t : a.tensors().values()) {
                    SafeTensors.TensorInfo u = b.info(t.name());
                    assertEquals(t.dtype(), u.dtype(), t.name());
                    assertArrayEquals(bytes(a, t), bytes(b, u), t.name());
                }
                assertEquals(a.tensors().keySet(), b.tensors().keySet());
            }
            Map<String, NDArray> e = expected(family, m);
            try (CausalLm before = c.model(m); CausalLm after = back.model(m)) {
                assertArrayEquals(logits(before, e).toFloatArray(), logits(after, e).toFloatArray(), 0f);
            }
        }
    }

    private static byte[] bytes(SafeTensors file, SafeTensors.TensorInfo t) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file.file())) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            long start = 8 + head.getLong(0) + t.begin();
            java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(Math.toIntExact(t.byteCount()));
            while (data.hasRemaining()) ch.read(data, start + data.position());
            return data.array();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "mistral", "neox"})
    void sequenceClassifierIsSavedWithoutTheLmHeadAndLoadsAsATrunk(String family, @TempDir Path out) throws IOException {
        try (NDManager m = root.newSubManager(); CausalLm model = HfCheckpoint.loadModel(dir(family), m)) {
            LmConfig config = model.config();
            NDArray score = Constants.floats(m, new float[config.hidden_size()], new Shape(1, config.hidden_size()));
            HfCheckpoint.saveSequenceClassifier(out, config, model.trunkTensors(), Map.of("score.weight", score), null);
            JsonObject json = Fixtures.json(out.resolve(HfCheckpoint.CONFIG_FILE));
            String arch = json.getAsJsonArray("architectures").get(0).getAsString();
            assertTrue(arch.endsWith("ForSequenceClassification"), arch);
            assertEquals(1, json.getAsJsonObject("id2label").size());
            try (SafeTensors st = SafeTensors.open(out.resolve(HfCheckpoint.WEIGHTS_FILE))) {
                assertTrue(st.contains("score.weight"));
                if (config.lmHeadTensor() != null) assertFalse(st.contains(config.lmHeadTensor()));
            }
            HfCheckpoint back = HfCheckpoint.load(out, m);
            try (CausalLm trunk = back.model(m)) {
                assertEquals(model.trunkTensors().keySet(), trunk.namedTensors().keySet());
                Map<String, NDArray> e = expected(family, m);
                NDArray h1 = model.hidden(e.get("input_ids"), null, null, null);
                NDArray h2 = trunk.hidden(e.get("input_ids"), null, null, null);
                assertArrayEquals(h1.toFloatArray(), h2.toFloatArray(), 0f);
                if (config.lmHeadTensor() != null) assertThrows(IllegalStateException.class, trunk::outputEmbedding);
            }
        }
    }
}
