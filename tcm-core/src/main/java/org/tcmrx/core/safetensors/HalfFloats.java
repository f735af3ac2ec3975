package org.tcmrx.core.safetensors;

/**
 * Conversions between float32 and the two 16-bit float formats. Java 17 has no {@code Float.float16ToFloat} (it
 * arrived in Java 20), so binary16 is decoded here by hand. Narrowing rounds to nearest, ties to even, as PyTorch's
 * {@code tensor.to(torch.float16 / torch.bfloat16)} does.
 */
final class HalfFloats {
    private HalfFloats() {}

    /** Widens IEEE binary16 bits to float32; exact for every pattern, NaN payloads kept. */
    static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            // Inf (mantissa 0) or NaN: the 10 payload bits become the top of float32's 23.
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, exact in float32 (a power of two times a 10-bit integer).
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // Normal: rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Narrows float32 to IEEE binary16 bits, rounding to nearest even; overflow gives infinity, NaN stays NaN. */
    static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF) {
            // Inf stays inf; a NaN keeps its top payload bits and is made quiet so it cannot become inf.
            return (short) (mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | (mantissa >>> 13));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                // Below half the smallest subnormal (2^-25): rounds to zero.
                return (short) sign;
            }
            // Subnormal result: shift the 24-bit significand (implicit bit included) right by 14 - e.
            int significand = mantissa | 0x80_0000;
            int shift = 14 - e;
            return (short) (sign | roundShift(significand, shift));
        }
        // Normal result; a carry out of the mantissa correctly bumps the exponent (up to infinity).
        return (short) (sign | roundShift((e << 23) | mantissa, 13));
    }

    /** Widens bfloat16 bits to float32: they are the upper half of the float32 bits. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Narrows float32 to bfloat16 bits, rounding to nearest even; NaN becomes the quiet NaN 0x7FC0 as in PyTorch. */
    static short floatToBf16(float value) {
        if (Float.isNaN(value)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(value);
        // Rounding the magnitude alone keeps the sign out of the carry; the largest finite values round to inf.
        return (short) (((bits >>> 16) & 0x8000) | roundShift(bits & 0x7FFF_FFFF, 16));
    }

    /** {@code value >>> shift} rounded to nearest, ties to even; {@code value} non-negative, shift in 1..24. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }
}
