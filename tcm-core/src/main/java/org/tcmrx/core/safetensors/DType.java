package org.tcmrx.core.safetensors;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types of the safetensors format, named exactly as in a file's header. The 8-bit float and packed
 * 4-bit types of recent safetensors versions are not supported.
 */
public enum DType {
    /** Boolean, one byte (0 or 1). */
    BOOL(1),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Signed 8-bit integer. */
    I8(1),
    /** Signed 16-bit integer. */
    I16(2),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** IEEE 754 half precision (binary16). */
    F16(2),
    /** bfloat16: the upper 16 bits of a float32. */
    BF16(2),
    /** Signed 32-bit integer. */
    I32(4),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** IEEE 754 single precision. */
    F32(4),
    /** Signed 64-bit integer. */
    I64(8),
    /** Unsigned 64-bit integer. */
    U64(8),
    /** IEEE 754 double precision. */
    F64(8);

    /** The valid names, for messages. */
    static final String NAMES = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * Returns the size of one element.
     *
     * @return the number of bytes per element: 1, 2, 4 or 8
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Returns the type with this name, as written in a header ({@code "F32"}, {@code "BF16"}, ...); case matters.
     *
     * @param name the name
     * @return the type
     * @throws IllegalArgumentException when the name is null or unknown; the message lists the valid names
     */
    public static DType parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("dtype must not be null");
        }
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype \"" + name + "\"; expected one of " + NAMES);
    }

    /** Whether {@link SafetensorsFile#floats} reads this type: F32, F16, BF16 and F64. */
    boolean isFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** Whether {@link SafetensorsFile#longs} reads this type: every integer type but U64, and BOOL. */
    boolean isLongCompatible() {
        return !isFloat() && this != U64;
    }
}
