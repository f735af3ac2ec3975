package org.tcmrx.core.safetensors;

import java.util.Arrays;

/** Shape arithmetic shared by the reader, the writer and the records. */
final class Shapes {
    private Shapes() {}

    /**
     * Returns the number of elements, 1 for a scalar (shape {@code []}).
     *
     * @throws ArithmeticException when the product overflows a long
     */
    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Returns the number of bytes of a tensor of this type and shape.
     *
     * @throws ArithmeticException when it overflows a long
     */
    static long byteCount(DType dtype, long[] shape) {
        return Math.multiplyExact(elementCount(shape), dtype.byteSize());
    }

    /** Checks that no dimension is negative; {@code what} names the argument in the message. */
    static long[] checkedCopy(long[] shape, String what) {
        if (shape == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(what + " " + format(shape) + " has a negative dimension");
            }
        }
        return shape.clone();
    }

    /** Formats a shape as {@code [2, 3]}. */
    static String format(long[] shape) {
        return Arrays.toString(shape);
    }
}
