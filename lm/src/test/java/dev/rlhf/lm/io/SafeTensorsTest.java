package dev.rlhf.lm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rlhf.lm.GPT2Config;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest extends ManagerAndTempDir {

    @Test
    void writtenFileRoundTripsAndSatisfiesTheFormatDefinition() throws IOException {
        GPT2Config config = GPT2Config.of(50, 16, 8, 2, 2);
        Map<String, NDArray> tensors = randomGpt2(config, 7);
        tensors.put("scalar", manager.create(3.5f));
        tensors.put("ids", manager.create(new long[] {1, -2, 1L << 40}));
        tensors.put("mask", manager.create(new boolean[] {true, false, true}));
        Path file = tmp.resolve("m.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt", "note", "ünïcode"));

        IndependentSafeTensorsReader independent = new IndependentSafeTensorsReader(file);
        assertEquals(Map.of("format", "pt", "note", "ünïcode"), independent.metadata);
        assertEquals(tensors.keySet(), independent.tensors.keySet());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            IndependentSafeTensorsReader.Entry entry = independent.tensors.get(e.getKey());
            assertArrayEquals(e.getValue().getShape().getShape(), entry.shape(), e.getKey());
            if (e.getValue().getDataType() == DataType.FLOAT32) {
                assertArrayEquals(e.getValue().toFloatArray(), entry.asF32(), e.getKey());
            }
        }
        assertEquals("I64", independent.tensors.get("ids").dtype());
        assertEquals(1L << 40, ByteBuffer.wrap(independent.tensors.get("ids").bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(16));
        assertEquals("BOOL", independent.tensors.get("mask").dtype());
        assertArrayEquals(new byte[] {1, 0, 1}, independent.tensors.get("mask").bytes());

        Map<String, NDArray> back = SafeTensors.read(file, manager);
        assertEquals(tensors.keySet(), back.keySet());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray b = back.get(e.getKey());
            assertEquals(e.getValue().getShape(), b.getShape(), e.getKey());
            assertEquals(e.getValue().getDataType(), b.getDataType(), e.getKey());
            assertTrue(e.getValue().contentEquals(b), e.getKey());
        }
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals("pt", st.metadata().get("format"));
            assertEquals(TensorDType.F32, st.info("wte.weight").dtype());
        }
    }

    @Test
    void halfPrecisionFromTorchConvertsBitExactly() throws IOException {
        JsonObject expected = Fixtures.json(Fixtures.dir("dtypes.json"));
        try (SafeTensors st = SafeTensors.open(Fixtures.dir("dtypes.safetensors"))) {
            assertEquals(TensorDType.F16, st.info("f16").dtype());
            assertEquals(TensorDType.BF16, st.info("bf16").dtype());
            for (String name : new String[] {"f16", "bf16", "f16_matrix", "bf16_matrix"}) {
                NDArray a = st.load(name, manager);
                assertEquals(DataType.FLOAT32, a.getDataType(), name);
                float[] values = a.toFloatArray();
                JsonArray bits = expected.getAsJsonArray(name);
                assertEquals(bits.size(), values.length, name);
                for (int i = 0; i < values.length; i++) {
                    float want = Float.intBitsToFloat(bits.get(i).getAsInt());
                    if (Float.isNaN(want)) { // NaN payloads are not specified by any converter; NaN must stay NaN
                        assertTrue(Float.isNaN(values[i]), name + "[" + i + "] = " + values[i]);
                        continue;
                    }
                    assertEquals(bits.get(i).getAsInt(), Float.floatToRawIntBits(values[i]),
                            name + "[" + i + "] = " + values[i]);
                }
            }
            assertEquals(new Shape(3, 4), st.load("f16_matrix", manager).getShape());
        }
    }

    @Test
    void writesHalfPrecisionRoundedAsTorchRoundsIt() throws IOException {
        // The F32 fixture written as F16 / BF16 here must hold the same values as the script's own F16 / BF16 files.
        Map<String, NDArray> f32 = SafeTensors.read(Fixtures.dir("model.safetensors"), manager);
        f32.keySet().removeIf(k -> k.matches(".*\\.attn\\.(bias|masked_bias)"));
        for (String variant : new String[] {"f16", "bf16"}) {
            Path file = tmp.resolve(variant + ".safetensors");
            SafeTensors.write(file, f32, SafeTensors.PT_METADATA, TensorDType.valueOf(variant.toUpperCase()));
            IndependentSafeTensorsReader mine = new IndependentSafeTensorsReader(file);
            IndependentSafeTensorsReader theirs = new IndependentSafeTensorsReader(Fixtures.dir(variant).resolve("model.safetensors"));
            assertEquals(theirs.tensors.keySet(), mine.tensors.keySet());
            for (String name : mine.tensors.keySet()) {
                assertEquals(variant.toUpperCase(), mine.tensors.get(name).dtype(), name);
                assertArrayEquals(theirs.tensors.get(name).bytes(), mine.tensors.get(name).bytes(), variant + " " + name);
            }
        }
    }

    @Test
    void interoperatesWithDjlsOwnSafetensorsCodec() throws IOException {
        GPT2Config config = GPT2Config.of(30, 8, 8, 1, 2);
        Map<String, NDArray> tensors = randomGpt2(config, 7);
        Path ours = tmp.resolve("ours.safetensors");
        SafeTensors.write(ours, tensors, SafeTensors.PT_METADATA);
        NDList decoded = NDList.decode(manager, Files.readAllBytes(ours));
        assertEquals(tensors.size(), decoded.size());
        for (NDArray a : decoded) assertTrue(tensors.get(a.getName()).contentEquals(a), a.getName());

        NDList list = new NDList();
        tensors.forEach((name, a) -> {
            NDArray copy = a.duplicate();
            copy.setName(name);
            list.add(copy);
        });
        Path theirs = tmp.resolve("theirs.safetensors");
        Files.write(theirs, list.encode(NDList.Encoding.SAFETENSORS));
        Map<String, NDArray> back = SafeTensors.read(theirs, manager);
        assertEquals(tensors.keySet(), back.keySet());
        tensors.forEach((name, a) -> assertTrue(a.contentEquals(back.get(name)), name));
    }

    // ------------------------------------------------------------------ malformed files

    /** Writes length + header + data exactly as given, so each rule of the format can be broken on purpose. */
    private Path raw(String name, long headerLength, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(h);
        Path file = tmp.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    private Path raw(String name, String header, int dataBytes) throws IOException {
        return raw(name, header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private String message(Path file) {
        return assertThrows(CheckpointFormatException.class, () -> {
            try (SafeTensors st = SafeTensors.open(file)) {
                for (String n : st.tensors().keySet()) st.load(n, manager);
            }
        }).getMessage();
    }

    @Test
    void validHandWrittenFileLoads() throws IOException {
        Path file = raw("ok.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertArrayEquals(new float[] {0, 0}, SafeTensors.read(file, manager).get("a").toFloatArray());
    }

    @Test
    void headerLengthBeyondTheFileIsRefused() throws IOException {
        Path file = raw("long.safetensors", 1_000_000, "{}", 0);
        String m = message(file);
        assertTrue(m.contains("long.safetensors") && m.contains("header length 1000000"), m);
        String huge = message(raw("huge.safetensors", -1L, "{}", 0));
        assertTrue(huge.contains("header length 18446744073709551615"), huge);
    }

    @Test
    void truncatedFilesAreRefused() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        SafeTensors.write(good, Map.of("w", manager.ones(new Shape(4, 4))), Map.of());
        byte[] all = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(all, all.length - 3));
        String m = message(cut);
        assertTrue(m.contains("cut.safetensors") && m.contains("\"w\"") && m.contains("out of range"), m);
        Files.write(cut, Arrays.copyOf(all, 5));
        assertTrue(message(cut).contains("truncated"), message(cut));
    }

    @Test
    void unknownDtypeIsRefusedByName() throws IOException {
        String m = message(raw("dt.safetensors", "{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        assertTrue(m.contains("dt.safetensors") && m.contains("\"w\"") && m.contains("unknown dtype \"F33\""), m);
    }

    @Test
    void byteCountThatDoesNotMatchTheShapeIsRefused() throws IOException {
        String m = message(raw("n.safetensors", "{\"w\":{\"dtype\":\"F16\",\"shape\":[3,2],\"data_offsets\":[0,8]}}", 8));
        assertTrue(m.contains("\"w\"") && m.contains("holds 8 bytes") && m.contains("12 bytes"), m);
    }

    @Test
    void overlappingTensorsAreRefused() throws IOException {
        String m = message(raw("o.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertTrue(m.contains("\"b\"") && m.contains("overlap") && m.contains("\"a\""), m);
    }

    @Test
    void malformedHeadersAreRefused() throws IOException {
        assertTrue(message(raw("j.safetensors", "{\"a\":", 0)).contains("not valid JSON"));
        assertTrue(message(raw("s.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0))
                .contains("negative"));
        assertTrue(message(raw("d.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8))
                .contains("out of range"));
        assertTrue(message(raw("u.safetensors", "{\"a\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2))
                .contains("not supported for loading"));
    }
}
