package org.tcmrx.core.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor lies in a safetensors file, as its header says. Offsets are relative to the start of the data
 * buffer (the byte after the header), as in the format; {@code end - begin} is always
 * {@code elementCount() * dtype.byteSize()}.
 *
 * <p>The shape is copied on the way in and out; equality, hash code and string form use its content.
 *
 * @param name the tensor's name, as in the header (Hugging Face's weight name)
 * @param dtype the element type
 * @param shape the dimensions, row-major; empty for a scalar
 * @param begin the offset of the first byte in the data buffer
 * @param end the offset after the last byte in the data buffer
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    /**
     * Validates and copies the shape.
     *
     * @param name the tensor's name, as in the header (Hugging Face's weight name)
     * @param dtype the element type
     * @param shape the dimensions, row-major; empty for a scalar
     * @param begin the offset of the first byte in the data buffer
     * @param end the offset after the last byte in the data buffer
     * @throws IllegalArgumentException when an argument is null, a dimension or offset is negative, or the byte
     *     range does not hold exactly the elements of the shape
     */
    public TensorInfo {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (dtype == null) {
            throw new IllegalArgumentException("dtype must not be null");
        }
        shape = Shapes.checkedCopy(shape, "shape");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("offsets [" + begin + ", " + end + ") of tensor '" + name
                    + "' are not a range of non-negative offsets");
        }
        long bytes;
        try {
            bytes = Shapes.byteCount(dtype, shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "shape " + Shapes.format(shape) + " of tensor '" + name + "' overflows a long", e);
        }
        if (end - begin != bytes) {
            throw new IllegalArgumentException("tensor '" + name + "': " + dtype + " " + Shapes.format(shape)
                    + " takes " + bytes + " bytes, not " + (end - begin));
        }
    }

    /**
     * Returns a copy of the shape.
     *
     * @return the dimensions, row-major; empty for a scalar
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of elements: the product of the dimensions, 1 for a scalar, 0 when a dimension is 0.
     *
     * @return the element count
     */
    public long elementCount() {
        return Shapes.elementCount(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return "TensorInfo[name=" + name + ", dtype=" + dtype + ", shape=" + Shapes.format(shape) + ", begin=" + begin
                + ", end=" + end + "]";
    }
}
