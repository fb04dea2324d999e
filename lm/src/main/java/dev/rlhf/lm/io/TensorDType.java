package dev.rlhf.lm.io;

import ai.djl.ndarray.types.DataType;

import java.util.Optional;

/**
 * The element types of the safetensors format, by their names in the header, with their width in bytes and the DJL
 * type a tensor of that kind is created as before it is converted (floating types become float32 on load).
 */
public enum TensorDType {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    BF16(2, null), // converted to float32 by SafeTensors itself: DJL 0.35.1's PyTorch engine aborts on BFLOAT16 buffers
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    I16(2, null),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN),
    // Known to the format, listed so their sizes validate; not loaded as NDArrays.
    U16(2, null),
    U32(4, null),
    U64(8, null),
    F8_E4M3(1, null),
    F8_E5M2(1, null);

    private final int size;
    private final DataType djlType;

    TensorDType(int size, DataType djlType) {
        this.size = size;
        this.djlType = djlType;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /**
     * The DJL type the raw bytes are handed to libtorch as, or empty when DJL cannot take this type (BF16 is still
     * loaded, through its own conversion; the others are validated but refused on load).
     */
    public Optional<DataType> djlType() {
        return Optional.ofNullable(djlType);
    }

    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16 || this == F8_E4M3 || this == F8_E5M2;
    }

    /** The type named in a safetensors header, or empty when the name is not one of the format's. */
    public static Optional<TensorDType> fromHeaderName(String name) {
        for (TensorDType t : values()) {
            if (t.name().equals(name)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
