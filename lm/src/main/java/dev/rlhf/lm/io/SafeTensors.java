package dev.rlhf.lm.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * ({@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}}, offsets relative to
 * the byte buffer that follows the header), then the byte buffer with every tensor stored row-major, little-endian.
 *
 * <p>{@link #open} reads and validates only the header; {@link #load} maps one tensor's bytes from the file and
 * copies them into a native tensor, so a file of any size is read without passing through the Java heap. Floating
 * types (F64, F32, F16, BF16) are returned as float32; integer and boolean tensors keep their type. A single tensor
 * must be below 1 GiB (the largest GPT-2 tensor, wte of gpt2-xl, is 0.3 GiB).
 *
 * <p>{@link #write} streams tensor by tensor into a temporary file next to the target and moves it into place, so a
 * reader never sees a half-written file and an open, memory-mapped predecessor is not truncated under its reader.
 */
public final class SafeTensors implements AutoCloseable {

    /** The key of the free-form string map in the header. */
    public static final String METADATA_KEY = "__metadata__";
    /** The metadata Hugging Face transformers requires of a PyTorch checkpoint. */
    public static final Map<String, String> PT_METADATA = Map.of("format", "pt");
    /** Headers larger than this are refused (as by the reference implementation). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** One tensor's entry in the header; {@code begin} and {@code end} are relative to the byte buffer. */
    public record TensorInfo(String name, TensorDType dtype, long[] shape, long begin, long end) {
        public long elementCount() {
            long n = 1;
            for (long s : shape) n = Math.multiplyExact(n, s);
            return n;
        }

        public long byteCount() {
            return end - begin;
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long bufferStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, FileChannel channel, long bufferStart, Map<String, TensorInfo> tensors,
                        Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.bufferStart = bufferStart;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Opens a file and validates its header (offsets, sizes, dtypes) without reading any tensor data. */
    public static SafeTensors open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new CheckpointFormatException(file + ": truncated safetensors file: " + fileSize
                        + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
                throw new CheckpointFormatException(file + ": header length " + Long.toUnsignedString(headerLength)
                        + " is invalid: the file has " + (fileSize - 8) + " bytes after the length field"
                        + (Long.compareUnsigned(headerLength, MAX_HEADER_BYTES) > 0
                        ? " and headers are limited to " + MAX_HEADER_BYTES + " bytes" : ""));
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            String json = new String(headerBytes.array(), StandardCharsets.UTF_8);
            long bufferStart = 8 + headerLength;
            long bufferLength = fileSize - bufferStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(file, json, bufferLength, metadata);
            return new SafeTensors(file, channel, bufferStart, tensors, metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path file, String json, long bufferLength,
                                                       Map<String, String> metadata) throws CheckpointFormatException {
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) throw new CheckpointFormatException(file + ": header is not a JSON object");
            header = parsed.getAsJsonObject();
        } catch (RuntimeException e) {
            throw new CheckpointFormatException(file + ": header is not valid JSON: " + e.getMessage(), e);
        }
        List<TensorInfo> list = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!e.getValue().isJsonObject()) {
                    throw new CheckpointFormatException(file + ": " + METADATA_KEY + " is not a JSON object");
                }
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    if (!m.getValue().isJsonPrimitive() || !m.getValue().getAsJsonPrimitive().isString()) {
                        throw new CheckpointFormatException(file + ": " + METADATA_KEY + " value of \"" + m.getKey()
                                + "\" is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            list.add(parseEntry(file, name, e.getValue(), bufferLength));
        }
        // Tensors may not share bytes: sorted by start, each must begin at or after the end of the one before.
        List<TensorInfo> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.byteCount() == 0) continue;
            if (previous != null && t.begin() < previous.end()) {
                throw new CheckpointFormatException(file + ": tensor \"" + t.name() + "\" bytes [" + t.begin() + ", "
                        + t.end() + ") overlap tensor \"" + previous.name() + "\" bytes [" + previous.begin() + ", "
                        + previous.end() + ")");
            }
            previous = t;
        }
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : byOffset) byName.put(t.name(), t);
        return byName;
    }

    private static TensorInfo parseEntry(Path file, String name, JsonElement value, long bufferLength)
            throws CheckpointFormatException {
        String where = file + ": tensor \"" + name + "\"";
        if (!value.isJsonObject()) throw new CheckpointFormatException(where + ": entry is not a JSON object");
        JsonObject o = value.getAsJsonObject();
        if (!o.has("dtype") || !o.get("dtype").isJsonPrimitive()) {
            throw new CheckpointFormatException(where + ": dtype is missing");
        }
        String dtypeName = o.get("dtype").getAsString();
        TensorDType dtype = TensorDType.fromHeaderName(dtypeName).orElseThrow(() ->
                new CheckpointFormatException(where + ": unknown dtype \"" + dtypeName + "\"; known: "
                        + Arrays.toString(TensorDType.values())));
        long[] shape = longs(o, "shape", where, -1);
        long[] offsets = longs(o, "data_offsets", where, 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > bufferLength) {
            throw new CheckpointFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] are out of range of the " + bufferLength + "-byte data buffer (truncated file?)");
        }
        long elements;
        try {
            elements = 1;
            for (long s : shape) elements = Math.multiplyExact(elements, s);
            long expected = Math.multiplyExact(elements, (long) dtype.size());
            if (end - begin != expected) {
                throw new CheckpointFormatException(where + ": holds " + (end - begin) + " bytes but shape "
                        + Arrays.toString(shape) + " of " + dtype + " needs " + elements + " x " + dtype.size()
                        + " = " + expected + " bytes");
            }
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(where + ": shape " + Arrays.toString(shape) + " overflows");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] longs(JsonObject o, String field, String where, int length) throws CheckpointFormatException {
        if (!o.has(field) || !o.get(field).isJsonArray()) {
            throw new CheckpointFormatException(where + ": " + field + " is missing or not an array");
        }
        JsonArray a = o.getAsJsonArray(field);
        if (length >= 0 && a.size() != length) {
            throw new CheckpointFormatException(where + ": " + field + " must have " + length + " entries, has " + a.size());
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement v = a.get(i);
            long x;
            try {
                x = v.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
            } catch (RuntimeException e) {
                throw new CheckpointFormatException(where + ": " + field + " entry " + v + " is not an integer");
            }
            if (x < 0) throw new CheckpointFormatException(where + ": " + field + " entry " + x + " is negative");
            out[i] = x;
        }
        return out;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position);
            if (n < 0) throw new IOException("unexpected end of file");
            position += n;
        }
    }

    public Path file() {
        return file;
    }

    /** The {@code __metadata__} map (empty when the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor's header entry, by name, in the order of their bytes in the file. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) throws CheckpointFormatException {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new CheckpointFormatException(file + ": missing tensor " + name);
        return t;
    }

    /**
     * Reads one tensor into a new NDArray owned by {@code manager} (on its device): floating types as float32, other
     * types as they are. The bytes are mapped from the file and copied into native memory, never into a Java array.
     */
    public NDArray load(String name, NDManager manager) throws IOException {
        TensorInfo t = info(name);
        String where = file + ": tensor \"" + name + "\"";
        if (t.dtype() != TensorDType.BF16 && t.dtype().djlType().isEmpty()) {
            throw new CheckpointFormatException(where + ": dtype " + t.dtype() + " is not supported for loading");
        }
        DataType target = t.dtype().isFloating() ? DataType.FLOAT32 : t.dtype().djlType().orElseThrow();
        Shape shape = new Shape(t.shape());
        if (t.byteCount() == 0) return manager.zeros(shape, target);
        if (t.byteCount() > Integer.MAX_VALUE / 2) {
            throw new CheckpointFormatException(where + ": " + t.byteCount() + " bytes; tensors of 1 GiB or more are not supported");
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new CheckpointFormatException(where + ": big-endian platforms are not supported");
        }
        MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, bufferStart + t.begin(), t.byteCount());
        bytes.order(ByteOrder.LITTLE_ENDIAN);
        try (NDManager scratch = manager.newSubManager(Device.cpu())) {
            NDArray out;
            if (t.dtype() == TensorDType.BF16) {
                out = bf16ToFloat32(scratch, bytes, shape);
            } else {
                NDArray raw = scratch.create(bytes, shape, t.dtype().djlType().orElseThrow());
                // A copy owned by libtorch: the result must not point into the mapping, which goes with the buffer.
                out = raw.getDataType() == target ? raw.duplicate() : raw.toType(target, true);
            }
            if (!manager.getDevice().equals(Device.cpu())) out = out.toDevice(manager.getDevice(), false);
            out.attach(manager);
            return out;
        } finally {
            Reference.reachabilityFence(bytes);
        }
    }

    /**
     * bfloat16 is the upper half of a float32, so each little-endian element {lo, hi} becomes the float32 bytes
     * {0, 0, lo, hi}: built as a uint8 [n, 4] tensor in libtorch and read back as float32, all in native memory.
     */
    private static NDArray bf16ToFloat32(NDManager scratch, ByteBuffer bytes, Shape shape) {
        long n = shape.size();
        NDArray halves = scratch.create(bytes, new Shape(n, 2), DataType.UINT8);
        NDArray words = scratch.zeros(new Shape(n, 2), DataType.UINT8).concat(halves, 1);
        ByteBuffer floats = words.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
        return scratch.create(floats, shape, DataType.FLOAT32).duplicate();
    }

    /** Every tensor of a file, in file order (see {@link #load}). */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        try (SafeTensors st = open(file)) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (String name : st.tensors().keySet()) out.put(name, st.load(name, manager));
            return out;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Writes the tensors in float32 (floating ones), in the map's order, with the given metadata. */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, TensorDType.F32);
    }

    /**
     * Writes the tensors in the map's order, floating ones stored as {@code floatType} (F32, F16 or BF16, rounded to
     * nearest even by libtorch), integer and boolean ones as they are. Each tensor is converted and written on its
     * own, so memory beyond the tensors themselves stays at one tensor's bytes.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
                             TensorDType floatType) throws IOException {
        if (floatType != TensorDType.F32 && floatType != TensorDType.F16 && floatType != TensorDType.BF16) {
            throw new IllegalArgumentException("floating tensors are written as F32, F16 or BF16, not " + floatType);
        }
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            metadata.forEach(m::addProperty);
            header.add(METADATA_KEY, m);
        }
        List<TensorDType> types = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA_KEY) || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("\"" + e.getKey() + "\" cannot be a tensor name");
            }
            NDArray a = e.getValue();
            TensorDType type = storedType(e.getKey(), a.getDataType(), floatType);
            types.add(type);
            long bytes = Math.multiplyExact(a.getShape().size(), (long) type.size());
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", type.name());
            JsonArray shape = new JsonArray();
            for (long s : a.getShape().getShape()) shape.add(new JsonPrimitive(s));
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
            offset += bytes;
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the data buffer starts 8-byte aligned
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, head);
            int i = 0;
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                writeTensor(out, e.getKey(), e.getValue(), types.get(i++));
            }
            out.force(false);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static TensorDType storedType(String name, DataType type, TensorDType floatType) {
        switch (type) {
            case FLOAT64: case FLOAT32: case FLOAT16: case BFLOAT16: return floatType;
            case INT64: return TensorDType.I64;
            case INT32: return TensorDType.I32;
            case INT8: return TensorDType.I8;
            case UINT8: return TensorDType.U8;
            case BOOLEAN: return TensorDType.BOOL;
            default: throw new IllegalArgumentException("tensor \"" + name + "\": cannot store data type " + type);
        }
    }

    private static void writeTensor(FileChannel out, String name, NDArray a, TensorDType type) throws IOException {
        long expected = a.getShape().size() * type.size();
        if (expected == 0) return;
        // BF16 is rounded here from float32; every other type is converted by libtorch.
        DataType djl = type == TensorDType.BF16 ? DataType.FLOAT32 : type.djlType().orElseThrow();
        NDArray converted = a.getDataType() == djl ? a : a.toType(djl, false);
        NDArray onCpu = converted.getDevice().equals(Device.cpu()) ? converted : converted.toDevice(Device.cpu(), false);
        try {
            ByteBuffer bytes = onCpu.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
            long produced = type == TensorDType.BF16 ? bytes.remaining() / 2 : bytes.remaining();
            if (produced != expected) {
                throw new IOException("tensor \"" + name + "\": " + bytes.remaining() + " bytes from the NDArray, expected "
                        + expected);
            }
            if (type == TensorDType.BF16) {
                writeBf16(out, bytes);
            } else {
                writeFully(out, bytes);
            }
        } finally {
            if (onCpu != converted) onCpu.close();
            if (converted != a) converted.close();
        }
    }

    /** Streams float32 values as bfloat16, rounded to nearest even (NaN stays NaN), through a small buffer. */
    private static void writeBf16(FileChannel out, ByteBuffer floats) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        while (floats.hasRemaining()) {
            chunk.clear();
            while (chunk.hasRemaining() && floats.hasRemaining()) {
                chunk.putShort(bf16Bits(floats.getFloat()));
            }
            chunk.flip();
            writeFully(out, chunk);
        }
    }

    /** The bfloat16 nearest to {@code f} (ties to even), as torch rounds it. */
    static short bf16Bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040); // quiet NaN, sign kept
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) out.write(bytes);
    }
}
