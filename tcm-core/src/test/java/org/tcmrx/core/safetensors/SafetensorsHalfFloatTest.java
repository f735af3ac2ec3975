package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("16-bit float conversions")
class SafetensorsHalfFloatTest {
    /** binary16 decoded the textbook way, in double: (-1)^s * 2^(e-15) * 1.m, or 2^-14 * 0.m when e = 0. */
    private static double referenceF16(int bits) {
        int sign = (bits >>> 15) & 1;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        double magnitude;
        if (exponent == 0x1F) {
            magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exponent == 0) {
            magnitude = Math.scalb(mantissa / 1024.0, -14);
        } else {
            magnitude = Math.scalb(1 + mantissa / 1024.0, exponent - 15);
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    /** The finite non-negative binary16 values, ascending, indexed by their bit pattern 0..0x7BFF. */
    private static final double[] POSITIVE_F16 = new double[0x7C00];

    static {
        for (int h = 0; h < POSITIVE_F16.length; h++) {
            POSITIVE_F16[h] = referenceF16(h);
        }
    }

    /** The nearest binary16 of a float, ties to the even pattern, found by search over all values. */
    private static int referenceFloatToF16(float f) {
        int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
        double x = Math.abs((double) f);
        // Halfway between 65504 and the next step (65536) rounds to even, which is infinity.
        if (x >= 65520) {
            return sign | 0x7C00;
        }
        int i = Arrays.binarySearch(POSITIVE_F16, x);
        if (i >= 0) {
            return sign | i;
        }
        int above = -i - 1;
        int below = above - 1;
        if (above == POSITIVE_F16.length) {
            return sign | below; // in (65504, 65520): nearer to 65504 than to the step beyond
        }
        double dBelow = x - POSITIVE_F16[below];
        double dAbove = POSITIVE_F16[above] - x;
        int nearest = dBelow < dAbove ? below : dAbove < dBelow ? above : (below % 2 == 0 ? below : above);
        return sign | nearest;
    }

    @Nested
    @DisplayName("F16")
    class F16 {
        @Test
        @DisplayName("widening equals the textbook decoding for all 65,536 patterns")
        void wideningExhaustive() {
            for (int h = 0; h < 0x10000; h++) {
                float actual = HalfFloats.f16ToFloat((short) h);
                double expected = referenceF16(h);
                if (Double.isNaN(expected)) {
                    assertThat(actual).as("pattern 0x%04x", h).isNaN();
                    // The payload moves to the top of float32's mantissa and the sign stays.
                    assertThat(Float.floatToRawIntBits(actual) & 0x7F_FFFF).isEqualTo((h & 0x3FF) << 13);
                    assertThat(Float.floatToRawIntBits(actual) < 0).isEqualTo((h & 0x8000) != 0);
                } else {
                    assertThat(Float.floatToRawIntBits(actual)).as("pattern 0x%04x", h)
                            .isEqualTo(Float.floatToRawIntBits((float) expected));
                }
            }
        }

        @Test
        @DisplayName("narrowing gives back every non-NaN pattern; NaN stays NaN")
        void roundTripExhaustive() {
            for (int h = 0; h < 0x10000; h++) {
                float f = HalfFloats.f16ToFloat((short) h);
                short back = HalfFloats.floatToF16(f);
                if (Float.isNaN(f)) {
                    assertThat(HalfFloats.f16ToFloat(back)).as("pattern 0x%04x", h).isNaN();
                } else {
                    assertThat(back & 0xFFFF).as("pattern 0x%04x", h).isEqualTo(h);
                }
            }
        }

        @Test
        @DisplayName("halfway between two neighbours rounds to the even one; just off halfway, to the nearer")
        void tiesToEven() {
            for (int h = 0; h < 0x7BFF; h++) {
                for (int sign : new int[] {0, 0x8000}) {
                    float mid = (float) ((referenceF16(h | sign) + referenceF16((h + 1) | sign)) / 2);
                    int even = (h % 2 == 0 ? h : h + 1) | sign;
                    assertThat(HalfFloats.floatToF16(mid) & 0xFFFF).as("between 0x%04x and the next", h)
                            .isEqualTo(even);
                    float towardsZero = sign == 0 ? Math.nextDown(mid) : Math.nextUp(mid);
                    float awayFromZero = sign == 0 ? Math.nextUp(mid) : Math.nextDown(mid);
                    assertThat(HalfFloats.floatToF16(towardsZero) & 0xFFFF).isEqualTo(h | sign);
                    assertThat(HalfFloats.floatToF16(awayFromZero) & 0xFFFF).isEqualTo((h + 1) | sign);
                }
            }
        }

        @Test
        @DisplayName("overflow, underflow, infinities, signed zeros")
        void edges() {
            assertThat(HalfFloats.floatToF16(65504f)).isEqualTo((short) 0x7BFF);
            assertThat(HalfFloats.floatToF16(Math.nextDown(65520f))).isEqualTo((short) 0x7BFF);
            assertThat(HalfFloats.floatToF16(65520f)).isEqualTo((short) 0x7C00);
            assertThat(HalfFloats.floatToF16(-1e10f)).isEqualTo((short) 0xFC00);
            assertThat(HalfFloats.floatToF16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7C00);
            assertThat(HalfFloats.floatToF16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
            assertThat(HalfFloats.floatToF16(0x1p-24f)).isEqualTo((short) 0x0001);
            assertThat(HalfFloats.floatToF16(0x1p-25f)).as("halfway to the smallest subnormal").isEqualTo((short) 0);
            assertThat(HalfFloats.floatToF16(Math.nextUp(0x1p-25f))).isEqualTo((short) 0x0001);
            assertThat(HalfFloats.floatToF16(-0x1p-26f)).isEqualTo((short) 0x8000);
            assertThat(HalfFloats.floatToF16(Float.MIN_VALUE)).isEqualTo((short) 0);
            assertThat(HalfFloats.floatToF16(-0f)).isEqualTo((short) 0x8000);
            assertThat(HalfFloats.floatToF16(Math.nextDown(0x1p-14f))).as("rounds up to the smallest normal")
                    .isEqualTo((short) 0x0400);
            assertThat(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN)))).isTrue();
            // A NaN whose payload lies only in the low 13 bits must not become infinity.
            float lowPayloadNaN = Float.intBitsToFloat(0x7F80_0001);
            assertThat(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(lowPayloadNaN)))).isTrue();
        }

        @Test
        @DisplayName("narrowing equals a search for the nearest value, for 200,000 random floats")
        void narrowingAgainstSearch() {
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 200_000; i++) {
                // Exponents around binary16's range, so most values land on subnormals, normals or overflow.
                float f = Float.intBitsToFloat((random.nextInt(2) << 31) | ((random.nextInt(95, 147)) << 23)
                        | random.nextInt(1 << 23));
                assertThat(HalfFloats.floatToF16(f) & 0xFFFF).as("%s", f).isEqualTo(referenceFloatToF16(f));
            }
        }
    }

    @Nested
    @DisplayName("BF16")
    class Bf16 {
        @Test
        @DisplayName("widening puts the 16 bits on top of a float32 for all 65,536 patterns")
        void wideningExhaustive() {
            for (int b = 0; b < 0x10000; b++) {
                assertThat(Float.floatToRawIntBits(HalfFloats.bf16ToFloat((short) b))).isEqualTo(b << 16);
            }
        }

        @Test
        @DisplayName("narrowing: exact values stay, halfway rounds to even, just off halfway to the nearer")
        void narrowingExhaustive() {
            for (int b = 0; b < 0x10000; b++) {
                float exact = Float.intBitsToFloat(b << 16);
                if (Float.isNaN(exact)) {
                    assertThat(HalfFloats.floatToBf16(exact)).isEqualTo((short) 0x7FC0);
                    continue;
                }
                assertThat(HalfFloats.floatToBf16(exact) & 0xFFFF).isEqualTo(b);
                if ((b & 0x7FFF) >= 0x7F80) {
                    continue; // infinity has no next value
                }
                int even = (b % 2 == 0) ? b : b + 1;
                assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat((b << 16) | 0x8000)) & 0xFFFF)
                        .as("halfway above 0x%04x", b).isEqualTo(even);
                assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat((b << 16) | 0x7FFF)) & 0xFFFF).isEqualTo(b);
                assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat((b << 16) | 0x8001)) & 0xFFFF)
                        .isEqualTo(b + 1);
            }
        }

        @Test
        @DisplayName("the largest floats round to infinity; NaN becomes 0x7FC0")
        void edges() {
            assertThat(HalfFloats.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
            assertThat(HalfFloats.floatToBf16(-Float.MAX_VALUE)).isEqualTo((short) 0xFF80);
            assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0xFFC0_0001))).isEqualTo((short) 0x7FC0);
            assertThat(HalfFloats.floatToBf16(0.1f)).isEqualTo((short) 0x3DCD);
        }
    }
}
