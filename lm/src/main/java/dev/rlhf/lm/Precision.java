package dev.rlhf.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a trainer computes its forward and backward passes in. {@code FLOAT32} is plain float32 training.
 * {@code BFLOAT16} and {@code FLOAT16} are mixed precision ({@link MixedPrecision}): the matrix products and
 * activations run in the half type, while the master weights, the gradients the optimizer sees, AdamW's moments,
 * log-softmax and the losses stay float32.
 *
 * <p>bfloat16 keeps float32's range and is what a GPU trains in. float16 has 10 mantissa bits but a range that ends at
 * 65504 and gradients below 6e-8 vanish (no loss scaling here), so it is meant for checks on a CPU whose JNI has no
 * bfloat16. DJL 0.35.1's JNI from Maven Central maps no bfloat16 and ends the JVM on it; the JNI the GPU kit builds is
 * patched to map it. {@link #requireSupported()} tells the two apart before a bfloat16 array is made.
 */
public enum Precision {
    FLOAT32(DataType.FLOAT32),
    BFLOAT16(DataType.BFLOAT16),
    FLOAT16(DataType.FLOAT16);

    /** A string only the patched JNI holds (its error for an unmapped data type). */
    private static final String PATCHED_JNI_MARKER = "(DataType ordinal ";

    private final DataType computeType;

    Precision(DataType computeType) {
        this.computeType = computeType;
    }

    /** The type of the forward and backward passes. */
    public DataType computeType() {
        return computeType;
    }

    public boolean mixed() {
        return this != FLOAT32;
    }

    /**
     * Throws, naming the problem, where this precision cannot run: bfloat16 on a JNI without the bfloat16 mapping
     * (found by reading the loaded {@code libdjl_torch.so}).
     */
    public void requireSupported() {
        if (this == BFLOAT16 && !jniMapsBfloat16()) {
            throw new IllegalArgumentException("precision: bfloat16 needs DJL's PyTorch JNI built with the bfloat16 mapping "
                    + "(the GPU kit builds it); the JNI loaded here (Maven Central's) has none: use float32, or float16 for a check");
        }
    }

    /** Whether the loaded {@code libdjl_torch.so} is the patched one. */
    static boolean jniMapsBfloat16() {
        Engine.getEngine("PyTorch");    // loads the JNI
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            for (String line : maps) {
                int at = line.indexOf('/');
                if (at < 0 || !line.endsWith("libdjl_torch.so")) continue;
                byte[] lib = Files.readAllBytes(Path.of(line.substring(at)));
                return new String(lib, StandardCharsets.ISO_8859_1).contains(PATCHED_JNI_MARKER);
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
