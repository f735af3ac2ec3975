package org.tcmrx.nn.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Creates arrays from Java values that own native memory.
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
