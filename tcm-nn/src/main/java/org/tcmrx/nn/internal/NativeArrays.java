package org.tcmrx.nn.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Creates arrays that own native memory from Java values, and copies values back.
 *
 * <p>On the PyTorch engine, {@code NDManager.create(float[], Shape)} copies the values into a Java direct buffer and
 * wraps it without a copy ({@code torch::from_blob}); only that one Java wrapper keeps the buffer alive, and closing
 * the wrapper releases it to the garbage collector. Any native alias of the tensor that outlives the wrapper (a view,
 * a detached copy swapped in by {@code intern}, a tensor saved by autograd) then reads freed memory, and the
 * symptom is sporadic garbage: a non-finite gradient after thousands of healthy steps, varying from run to run.
 *
 * <p>The same holds for DJL's scalar overloads ({@code x.mul(0.5f)}, {@code loss.div(n)}, {@code x.pow(3)}): each
 * wraps the number in such a tensor and closes it as soon as the operation returns, but autograd has saved it for
 * the backward pass ({@code d(x / c) / dx = 1 / c}), which then reads memory the garbage collector may have handed
 * to someone else. Every array TCM-Rx creates from Java values, and every scalar operation on a value that may be
 * differentiated, goes through here instead.
 *
 * <p>Arrays too big for one Java array (a 7B model's token table holds 545M values) are {@linkplain #filled filled}
 * chunk by chunk through one reused buffer instead, so no Java array of the whole tensor is ever needed.
 */
public final class NativeArrays {
    private NativeArrays() {}

    /**
     * Creates a float32 array that owns a native copy of the values.
     *
     * @param manager the manager that owns the result
     * @param values the values, row-major
     * @param shape the shape; its size must equal {@code values.length}
     * @return the array
     */
    public static NDArray floats(NDManager manager, float[] values, Shape shape) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.duplicate();
        }
    }

    /**
     * Creates an array of engine-owned memory and fills it chunk by chunk through {@code scratch}: each chunk's values
     * are written into {@code scratch} by {@code reader}, wrapped without a copy, and copied into their slice of the
     * array at once. The wrapper is the source of that one copy only, made and closed here while this method holds
     * {@code scratch}, outside any autograd graph (the array does not require a gradient), so nothing can keep it
     * past the copy; the result never aliases {@code scratch}, which the caller may reuse.
     *
     * @param manager the manager that owns the result
     * @param shape the shape
     * @param type the element type
     * @param scratch a direct buffer whose capacity is the chunk size in bytes; its content and position are
     *     overwritten
     * @param reader writes each chunk's values
     * @return the array, every element written by {@code reader}
     * @throws IllegalArgumentException when {@code scratch} is not direct or holds less than one element
     * @throws IOException when {@code reader} fails; the partly filled array is freed
     */
    public static NDArray filled(NDManager manager, Shape shape, DataType type, ByteBuffer scratch,
            ChunkReader reader) throws IOException {
        int size = type.getNumOfBytes();
        if (!scratch.isDirect() || scratch.capacity() < size) {
            throw new IllegalArgumentException("scratch must be a direct buffer of at least one " + type
                    + " element (" + size + " bytes), got " + scratch);
        }
        long n = shape.size();
        long perChunk = scratch.capacity() / size;
        NDArray result = manager.create(shape, type); // uninitialised; every element is written below
        try (NDArray flat = result.reshape(n)) { // a view: writing its slices writes the result
            for (long from = 0; from < n; from += perChunk) {
                long count = Math.min(perChunk, n - from);
                scratch.clear().limit(Math.toIntExact(count * size));
                reader.read(from, scratch.duplicate().order(ByteOrder.nativeOrder()));
                try (NDArray chunk = manager.create(scratch, new Shape(count), type)) {
                    flat.set(new NDIndex().addSliceDim(from, from + count), chunk);
                }
            }
        } catch (IOException | RuntimeException e) {
            result.close();
            throw e;
        }
        return result;
    }

    /** Writes the values of one chunk of an array being {@linkplain #filled filled}. */
    @FunctionalInterface
    public interface ChunkReader {
        /**
         * Writes the elements {@code [fromElement, fromElement + dest.remaining() / elementBytes)}, row-major, into
         * {@code dest}, from its position to its limit (typically through a view such as {@code asFloatBuffer()}).
         *
         * @param fromElement the row-major index of the chunk's first element
         * @param dest a native-order buffer to fill
         * @throws IOException when the values cannot be read
         */
        void read(long fromElement, ByteBuffer dest) throws IOException;
    }

    /**
     * Creates a scalar that owns its memory, of {@code like}'s data type, in {@code like}'s manager.
     *
     * @param like the array the scalar will meet
     * @param value the value
     * @return a 0-dimensional array
     */
    public static NDArray scalar(NDArray like, float value) {
        NDArray s = floats(like.getManager(), new float[] {value}, new Shape());
        if (s.getDataType() == like.getDataType()) {
            return s;
        }
        try (s) {
            return s.toType(like.getDataType(), true);
        }
    }

    /**
     * Multiplies by a number, differentiably and safely (see the class documentation).
     *
     * @param x the array
     * @param factor the number
     * @return {@code x * factor}, in the manager of {@code x}
     */
    public static NDArray mul(NDArray x, float factor) {
        try (NDArray s = scalar(x, factor)) {
            return x.mul(s);
        }
    }

    /**
     * Divides by a number, differentiably and safely (see the class documentation).
     *
     * @param x the array
     * @param divisor the number
     * @return {@code x / divisor}, in the manager of {@code x}
     */
    public static NDArray div(NDArray x, float divisor) {
        try (NDArray s = scalar(x, divisor)) {
            return x.div(s);
        }
    }

    /**
     * Adds a number, differentiably and safely (see the class documentation).
     *
     * @param x the array
     * @param addend the number
     * @return {@code x + addend}, in the manager of {@code x}
     */
    public static NDArray add(NDArray x, float addend) {
        try (NDArray s = scalar(x, addend)) {
            return x.add(s);
        }
    }

    /**
     * Raises to a power, differentiably and safely (see the class documentation).
     *
     * @param x the array
     * @param exponent the number
     * @return {@code x ^ exponent}, in the manager of {@code x}
     */
    public static NDArray pow(NDArray x, float exponent) {
        try (NDArray s = scalar(x, exponent)) {
            return x.pow(s);
        }
    }

    /**
     * Copies an array's values to the JVM as float32: a float32 array as is, another type through a temporary
     * converted copy, freed before returning (never bf16, which this engine cannot convert).
     *
     * @param array the array
     * @return its values, row-major
     */
    public static float[] toFloats(NDArray array) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray f = array.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /**
     * Creates an int64 array that owns a native copy of the values.
     *
     * @param manager the manager that owns the result
     * @param values the values, row-major
     * @param shape the shape; its size must equal {@code values.length}
     * @return the array
     */
    public static NDArray longs(NDManager manager, long[] values, Shape shape) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.duplicate();
        }
    }
}
