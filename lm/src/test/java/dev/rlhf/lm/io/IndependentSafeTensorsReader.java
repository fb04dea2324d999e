package dev.rlhf.lm.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A second reader of the safetensors format, written from its definition for the tests only (it shares no code with
 * {@link SafeTensors}): it reads the whole file, checks every rule, and returns the raw bytes of each tensor.
 */
final class IndependentSafeTensorsReader {

    record Entry(String dtype, long[] shape, byte[] bytes) {
        float[] asF32() {
            assertEquals("F32", dtype);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[bytes.length / 4];
            for (int i = 0; i < out.length; i++) out[i] = b.getFloat();
            return out;
        }
    }

    final Map<String, Entry> tensors = new LinkedHashMap<>();
    final Map<String, String> metadata = new LinkedHashMap<>();

    IndependentSafeTensorsReader(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        assertTrue(all.length >= 8, "file shorter than the length field");
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertTrue(n > 0 && 8 + n <= all.length, "header length " + n + " out of range");
        assertEquals(0, (8 + n) % 8, "the byte buffer must start 8-byte aligned");
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"), "header must start with '{'");
        assertEquals(header.stripTrailing().length(), header.strip().length());
        for (int i = header.stripTrailing().length(); i < header.length(); i++) {
            assertEquals(' ', header.charAt(i), "header padding must be spaces");
        }
        JsonObject o = JsonParser.parseString(header).getAsJsonObject();
        int start = (int) (8 + n);
        int bufferLength = all.length - start;
        List<long[]> ranges = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                e.getValue().getAsJsonObject().entrySet().forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                continue;
            }
            JsonObject t = e.getValue().getAsJsonObject();
            String dtype = t.get("dtype").getAsString();
            int size = switch (dtype) {
                case "F64", "I64", "U64" -> 8;
                case "F32", "I32", "U32" -> 4;
                case "F16", "BF16", "I16", "U16" -> 2;
                case "I8", "U8", "BOOL" -> 1;
                default -> {
                    fail("unknown dtype " + dtype);
                    yield 0;
                }
            };
            JsonArray s = t.getAsJsonArray("shape");
            long[] shape = new long[s.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = s.get(i).getAsLong();
                count *= shape[i];
            }
            JsonArray off = t.getAsJsonArray("data_offsets");
            assertEquals(2, off.size());
            long begin = off.get(0).getAsLong(), end = off.get(1).getAsLong();
            assertTrue(0 <= begin && begin <= end && end <= bufferLength, e.getKey() + ": offsets out of range");
            assertEquals(count * size, end - begin, e.getKey() + ": byte count must be elements x dtype size");
            ranges.add(new long[] {begin, end});
            byte[] bytes = new byte[(int) (end - begin)];
            System.arraycopy(all, start + (int) begin, bytes, 0, bytes.length);
            tensors.put(e.getKey(), new Entry(dtype, shape, bytes));
        }
        // Contiguous, non-overlapping, covering the whole buffer (what the reference writer produces).
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long expect = 0;
        for (long[] r : ranges) {
            assertEquals(expect, r[0], "tensors must be contiguous and non-overlapping");
            expect = r[1];
        }
        assertEquals(bufferLength, expect, "the byte buffer must end with the last tensor");
    }
}
