package org.tcmrx.core.safetensors;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/** Decodes a little-endian window of a tensor's bytes into float32, float16 or long elements. */
final class Decode {
    private Decode() {}

    /** Puts every element of {@code window} into {@code dest} as float32; {@code dtype} is F32, F16, BF16 or F64. */
    static void floats(DType dtype, ByteBuffer window, FloatBuffer dest) {
        switch (dtype) {
            case F32 -> dest.put(window.asFloatBuffer());
            case F16 -> {
                ShortBuffer halves = window.asShortBuffer();
                while (halves.hasRemaining()) {
                    dest.put(HalfFloats.f16ToFloat(halves.get()));
                }
            }
            case BF16 -> {
                ShortBuffer halves = window.asShortBuffer();
                while (halves.hasRemaining()) {
                    dest.put(HalfFloats.bf16ToFloat(halves.get()));
                }
            }
            case F64 -> {
                DoubleBuffer doubles = window.asDoubleBuffer();
                while (doubles.hasRemaining()) {
                    dest.put((float) doubles.get());
                }
            }
            default -> throw new AssertionError(dtype);
        }
    }

    /**
     * Puts every element of {@code window} into {@code dest} as IEEE binary16 bits: F16 as is, F32 and BF16 rounded
     * to nearest even, F64 through float32 as {@link #floats} reads it.
     *
     * @return how many finite elements became infinite, being beyond float16's range
     */
    static long float16(DType dtype, ByteBuffer window, ShortBuffer dest) {
        long overflowed = 0;
        switch (dtype) {
            case F16 -> dest.put(window.asShortBuffer());
            case F32 -> {
                FloatBuffer floats = window.asFloatBuffer();
                while (floats.hasRemaining()) {
                    float f = floats.get();
                    overflowed += narrow(f, Float.isFinite(f), dest);
                }
            }
            case BF16 -> {
                ShortBuffer halves = window.asShortBuffer();
                while (halves.hasRemaining()) {
                    // Widening is exact, so this rounds once, as PyTorch's bf16.to(float16) does.
                    float f = HalfFloats.bf16ToFloat(halves.get());
                    overflowed += narrow(f, Float.isFinite(f), dest);
                }
            }
            case F64 -> {
                DoubleBuffer doubles = window.asDoubleBuffer();
                while (doubles.hasRemaining()) {
                    double d = doubles.get();
                    overflowed += narrow((float) d, Double.isFinite(d), dest);
                }
            }
            default -> throw new AssertionError(dtype);
        }
        return overflowed;
    }

    /** Puts {@code value} as binary16; returns 1 when a finite source became infinite, else 0. */
    private static int narrow(float value, boolean finite, ShortBuffer dest) {
        short half = HalfFloats.floatToF16(value);
        dest.put(half);
        return finite && (half & 0x7FFF) == 0x7C00 ? 1 : 0;
    }

    /** Puts every element of {@code window} into {@code dest} widened to long, unsigned types unsigned. */
    static void longs(DType dtype, ByteBuffer window, LongBuffer dest) {
        switch (dtype) {
            case I64 -> dest.put(window.asLongBuffer());
            case I32, U32 -> {
                IntBuffer ints = window.asIntBuffer();
                while (ints.hasRemaining()) {
                    int v = ints.get();
                    dest.put(dtype == DType.U32 ? Integer.toUnsignedLong(v) : v);
                }
            }
            case I16, U16 -> {
                ShortBuffer shorts = window.asShortBuffer();
                while (shorts.hasRemaining()) {
                    short v = shorts.get();
                    dest.put(dtype == DType.U16 ? Short.toUnsignedLong(v) : v);
                }
            }
            case I8 -> {
                while (window.hasRemaining()) {
                    dest.put(window.get());
                }
            }
            case U8, BOOL -> {
                while (window.hasRemaining()) {
                    dest.put(Byte.toUnsignedLong(window.get()));
                }
            }
            default -> throw new AssertionError(dtype);
        }
    }
}
