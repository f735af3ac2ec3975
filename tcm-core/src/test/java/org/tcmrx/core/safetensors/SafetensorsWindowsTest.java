package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.f32;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.f64;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.i32;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.i64;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.u16;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.safetensors.SafetensorsTestFiles.Raw;

@DisplayName("SafetensorsFile: maps data in windows")
class SafetensorsWindowsTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return SafetensorsTestFiles.write(dir, "t.safetensors", bytes);
    }

    @Test
    @DisplayName("windows of 8 to 64 bytes read what one mapping reads, from any start")
    void smallWindows() throws IOException {
        Path file = write(SafetensorsTestFiles.randomTensors(new SplittableRandom(3)));
        try (SafetensorsFile whole = SafetensorsFile.open(file)) {
            for (int window = 8; window <= 64; window += 8) {
                try (SafetensorsFile f = SafetensorsFile.open(file, window)) {
                    for (String name : List.of("f32", "f16", "f64")) {
                        float[] expected = whole.floats(name);
                        assertThat(f.floats(name)).as("%s, window %d", name, window)
                                .usingElementComparator(SafetensorsTestFiles::compareBits)
                                .containsExactly(SafetensorsTestFiles.box(expected));
                        for (int from = 0; from < expected.length; from += 3) {
                            FloatBuffer part = FloatBuffer.allocate(expected.length - from);
                            f.readFloats(name, from, part);
                            for (int i = 0; i < part.capacity(); i++) {
                                assertThat(Float.floatToIntBits(part.get(i)))
                                        .isEqualTo(Float.floatToIntBits(expected[from + i]));
                            }
                        }
                    }
                    assertThat(f.longs("i32")).containsExactly(whole.longs("i32"));
                    assertThat(f.longs("i8")).containsExactly(whole.longs("i8"));
                }
            }
        }
    }

    @Test
    @DisplayName("a window must be a positive multiple of 8, so no element straddles two")
    void windowSize() {
        assertThatThrownBy(() -> SafetensorsFile.open(dir.resolve("x"), 12))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("windowBytes must be a positive multiple of 8, got 12");
    }

    @Test
    @DisplayName("a 4 GiB tensor (sparse file) reads beyond the 2 GiB mark, and refuses one array")
    void beyondTwoGiB() throws IOException {
        long elements = (1L << 31) + 8; // F16: 4 GiB + 16 bytes
        long bytes = 2 * elements;
        byte[] header = ("{\"big\":{\"dtype\":\"F16\",\"shape\":[" + elements + "],\"data_offsets\":[0," + bytes
                + "]}}").getBytes(StandardCharsets.UTF_8);
        Path file = write(SafetensorsTestFiles.file(header, new byte[0]));
        long dataStart = 8 + header.length;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + bytes); // sparse: only the pages written below take space
            putF16(raf, dataStart, 0, 0x3C00); // 1
            putF16(raf, dataStart, (1L << 30) - 1, 0x4000); // 2, the last element before byte 2^31
            putF16(raf, dataStart, 1L << 30, 0xC200); // -3, at byte 2^31
            putF16(raf, dataStart, elements - 1, 0x3800); // 0.5, the last element
        }
        for (int window : new int[] {SafetensorsFile.DEFAULT_WINDOW_BYTES, 8}) {
            try (SafetensorsFile f = SafetensorsFile.open(file, window)) {
                FloatBuffer around = FloatBuffer.allocate(8);
                f.readFloats("big", (1L << 30) - 4, around);
                assertThat(around.array()).containsExactly(0f, 0f, 0f, 2f, -3f, 0f, 0f, 0f);
                FloatBuffer ends = FloatBuffer.allocate(2);
                f.readFloats("big", elements - 2, ends);
                assertThat(ends.array()).containsExactly(0f, 0.5f);
                FloatBuffer first = FloatBuffer.allocate(1);
                f.readFloats("big", 0, first);
                assertThat(first.get(0)).isEqualTo(1f);
                assertThatThrownBy(() -> f.floats("big"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("tensor 'big' in " + file + " has 2147483656 elements, more than one Java"
                                + " array holds; read it in parts with readFloats");
                assertThatThrownBy(() -> f.bytes("big"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("tensor 'big' in " + file + " has 4294967312 bytes, more than one"
                                + " ByteBuffer holds; read it in parts with readFloats");
            }
        }
    }

    private static void putF16(RandomAccessFile raf, long dataStart, long element, int bits) throws IOException {
        raf.seek(dataStart + 2 * element);
        raf.write(u16(bits));
    }
}
