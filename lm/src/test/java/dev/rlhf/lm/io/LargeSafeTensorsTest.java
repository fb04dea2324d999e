package dev.rlhf.lm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 256 MiB file loads through native memory: the Java heap's peak grows by far less than one tensor. */
class LargeSafeTensorsTest {

    static final int TENSORS = 4;
    static final int ROWS = 4096, COLS = 4096; // 64 MiB of float32 each

    @TempDir
    Path tmp;

    /** Writes the file by hand (header + tensor i filled with i + 0.5), independently of {@link SafeTensors#write}. */
    private Path writeLargeFile() throws IOException {
        long bytes = 4L * ROWS * COLS;
        StringBuilder header = new StringBuilder("{");
        for (int i = 0; i < TENSORS; i++) {
            if (i > 0) header.append(',');
            header.append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[").append(ROWS).append(',').append(COLS)
                    .append("],\"data_offsets\":[").append(i * bytes).append(',').append((i + 1) * bytes).append("]}");
        }
        header.append('}');
        while (header.length() % 8 != 0) header.append(' ');
        Path file = tmp.resolve("large.safetensors");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
            ByteBuffer head = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).flip();
            while (head.hasRemaining()) out.write(head);
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < TENSORS; i++) {
                chunk.clear();
                while (chunk.hasRemaining()) chunk.putFloat(i + 0.5f);
                for (long written = 0; written < bytes; written += chunk.capacity()) {
                    chunk.rewind();
                    while (chunk.hasRemaining()) out.write(chunk);
                }
            }
        }
        return file;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isValid()).collect(Collectors.toList());
    }

    private static long startMeasuring() {
        System.gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    /** The sum of each heap pool's peak since {@link #startMeasuring}: an upper bound of the heap's peak. */
    private static long peak() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    @Test
    void loadsWithoutTheHeapGrowingByTheFileSize() throws IOException {
        Path file = writeLargeFile();
        long tensorBytes = 4L * ROWS * COLS;
        try (NDManager manager = NDManager.newBaseManager()) {
            long start = startMeasuring();
            Map<String, NDArray> tensors = SafeTensors.read(file, manager);
            long growth = peak() - start;

            assertEquals(TENSORS, tensors.size());
            for (int i = 0; i < TENSORS; i++) {
                NDArray t = tensors.get("t" + i);
                assertEquals(i + 0.5f, t.getFloat(0, 0));
                assertEquals(i + 0.5f, t.getFloat(ROWS - 1, COLS - 1));
                assertEquals((i + 0.5) * ROWS * COLS, t.sum().getFloat(), 1e-3 * ROWS * COLS);
            }
            assertTrue(growth < tensorBytes / 4, "heap peak grew by " + growth / (1 << 20) + " MiB while loading "
                    + TENSORS * tensorBytes / (1 << 20) + " MiB");

            // The measurement sees a heap copy of one tensor, so the bound above can fail.
            long again = startMeasuring();
            byte[] copy = new byte[(int) tensorBytes];
            copy[copy.length - 1] = 1;
            assertTrue(peak() - again >= tensorBytes, "a " + tensorBytes + "-byte array must show in the peak");
        }
    }
}
