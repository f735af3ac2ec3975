package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.f32;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.f64;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.u16;

import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.safetensors.SafetensorsTestFiles.Raw;

@DisplayName("SafetensorsFile.readFloat16")
class SafetensorsFileFloat16Test {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return SafetensorsTestFiles.write(dir, "t.safetensors", bytes);
    }

    /** Reads a whole tensor as binary16 patterns (unsigned), checking the overflow count. */
    private int[] read(SafetensorsFile f, String name, long overflowed) throws IOException {
        ShortBuffer dest = ShortBuffer.allocate(Math.toIntExact(f.info(name).elementCount()));
        assertThat(f.readFloat16(name, 0, dest)).as("overflowed").isEqualTo(overflowed);
        assertThat(dest.hasRemaining()).isFalse();
        int[] bits = new int[dest.capacity()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = dest.get(i) & 0xFFFF;
        }
        return bits;
    }

    @Test
    @DisplayName("F16 is copied bit for bit, NaN payloads, subnormals and infinities included")
    void f16() throws IOException {
        Path file = write(new Raw().add("h", "F16", "[6]", u16(0x3C00, 0xC000, 0x7C00, 0x0001, 0x7D23, 0x8000))
                .bytes());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(read(f, "h", 0)).containsExactly(0x3C00, 0xC000, 0x7C00, 0x0001, 0x7D23, 0x8000);
        }
    }

    @Test
    @DisplayName("F32 rounds to nearest even: exact values, ties, subnormals, overflow to inf (counted), NaN")
    void f32Rounding() throws IOException {
        Path file = write(new Raw().add("x", "F32", "[16]", f32(
                1.5f, -2f, 65504f, -0f, // exact
                1 + 0x1p-11f, 1 + 3 * 0x1p-11f, // ties: down to the even 1.0, up to the even 1 + 2^-9
                0x1p-24f, 0x1p-25f, 3 * 0x1p-26f, 0x1p-14f - 0x1p-25f, // subnormals; the last rounds to normal
                65519f, 65520f, -1e10f, // the largest value that stays finite, then overflow
                Float.POSITIVE_INFINITY, Float.NaN, 0.1f)).bytes());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(read(f, "x", 2)).containsExactly(
                    0x3E00, 0xC000, 0x7BFF, 0x8000,
                    0x3C00, 0x3C02,
                    0x0001, 0x0000, 0x0001, 0x0400,
                    0x7BFF, 0x7C00, 0xFC00,
                    0x7C00, 0x7E00, 0x2E66);
        }
    }

    @Test
    @DisplayName("BF16 and F64 convert too; an F64 beyond float32's range still counts as an overflow")
    void bf16AndF64() throws IOException {
        Path file = write(new Raw()
                .add("b", "BF16", "[4]", u16(0x3F80, 0xC020, 0x4780, 0x7F80)) // 1, -2.5, 65536, inf
                .add("d", "F64", "[3]", f64(1.5, 1e300, -0.1))
                .bytes());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(read(f, "b", 1)).containsExactly(0x3C00, 0xC100, 0x7C00, 0x7C00);
            assertThat(read(f, "d", 1)).containsExactly(0x3E00, 0x7C00, 0xAE66);
        }
    }

    @Test
    @DisplayName("reads dest.remaining() elements from an offset, counting overflow in that range only")
    void part() throws IOException {
        Path file = write(new Raw().add("a", "F32", "[5]", f32(1e6f, 2f, 3f, -1e6f, 5f)).bytes());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ShortBuffer dest = ShortBuffer.allocate(4);
            dest.put((short) -1);
            dest.limit(3);
            assertThat(f.readFloat16("a", 1, dest)).isZero();
            assertThat(dest.position()).isEqualTo(3);
            assertThat(dest.array()).containsExactly((short) -1, (short) 0x4000, (short) 0x4200, (short) 0);
            assertThat(f.readFloat16("a", 2, ShortBuffer.allocate(2))).isEqualTo(1);
            assertThatThrownBy(() -> f.readFloat16("a", 4, ShortBuffer.allocate(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("elements [4, 4 + 2) are not within the 5 elements of tensor 'a' in " + file);
            assertThatThrownBy(() -> f.readFloat16("a", 0, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dest must not be null");
        }
    }

    @Test
    @DisplayName("agrees with readFloats followed by rounding, across mapping windows")
    void windows() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        float[] values = new float[1001];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(-30, 20)));
        }
        Path file = write(new Raw().add("a", "F32", "[1001]", f32(values)).bytes());
        try (SafetensorsFile f = SafetensorsFile.open(file, 24)) {
            ShortBuffer dest = ShortBuffer.allocate(values.length);
            long overflowed = f.readFloat16("a", 0, dest);
            long expected = 0;
            for (int i = 0; i < values.length; i++) {
                short want = HalfFloats.floatToF16(values[i]);
                assertThat(dest.get(i)).as("element %d (%s)", i, values[i]).isEqualTo(want);
                expected += (want & 0x7FFF) == 0x7C00 ? 1 : 0;
            }
            assertThat(overflowed).isEqualTo(expected).isPositive();
        }
    }
}
