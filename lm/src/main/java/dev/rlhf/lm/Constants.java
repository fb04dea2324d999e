package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java values, in storage that libtorch owns: the one way the project turns a Java number or array
 * into an {@link NDArray}.
 *
 * <p>Why: DJL 0.35.1 builds an array from Java data ({@code NDManager.create(float[] …)}, and the scalar behind every
 * {@code NDArray.add/sub/mul/div/pow/maximum/minimum(Number)} and in-place {@code …i(Number)} overload) as a tensor
 * over a Java direct buffer ({@code torch::from_blob}, no copy on the CPU). The Number overloads close that array as
 * soon as the operation returns, and autograd keeps the tensor for the backward pass (the factor of a product, the
 * divisor of a quotient). Once the garbage collector has freed the buffer, backward reads whatever lies there: NaN,
 * inf, or finite wrong gradients. Every array here is a copy made by libtorch ({@code clone} or a type
 * conversion), so it lives as long as any tensor refers to it, whatever Java does with its own buffer. The build
 * refuses the Number overloads and direct {@code create} calls outside this class ({@code DjlUsageTest}).
 */
public final class Constants {

    private Constants() {}

    /** A 0-d array holding {@code value} in the type, device and manager of {@code like}. */
    public static NDArray scalar(NDArray like, double value) {
        DataType type = like.getDataType();
        try (NDArray java = like.getManager().create(value)) {          // float64 over a Java buffer
            return type == DataType.FLOAT64 ? java.duplicate() : java.toType(type, false);
        }
    }

    /** A copy of {@code data} with {@code shape}, float32, in {@code manager}. */
    public static NDArray floats(NDManager manager, float[] data, Shape shape) {
        try (NDArray java = manager.create(data, shape)) {
            return java.duplicate();
        }
    }

    /** A copy of {@code data} as a 1-d float32 array. */
    public static NDArray floats(NDManager manager, float[] data) {
        return floats(manager, data, new Shape(data.length));
    }

    /** A copy of {@code data} with {@code shape}, int32, in {@code manager}. */
    public static NDArray ints(NDManager manager, int[] data, Shape shape) {
        try (NDArray java = manager.create(data, shape)) {
            return java.duplicate();
        }
    }

    /** A copy of {@code data} with {@code shape}, int64, in {@code manager}. */
    public static NDArray longs(NDManager manager, long[] data, Shape shape) {
        try (NDArray java = manager.create(data, shape)) {
            return java.duplicate();
        }
    }
}
