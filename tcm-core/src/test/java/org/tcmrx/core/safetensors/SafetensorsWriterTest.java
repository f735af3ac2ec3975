package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.safetensors.SafetensorsWriter.Tensor;

@DisplayName("SafetensorsWriter")
class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private Path target() {
        return dir.resolve("out.safetensors");
    }

    private static Map<String, Tensor> tensors(Object... nameTensor) {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (int i = 0; i < nameTensor.length; i += 2) {
            map.put((String) nameTensor[i], (Tensor) nameTensor[i + 1]);
        }
        return map;
    }

    /** The header's JSON text, as written, padding included. */
    private static String headerText(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("round trip")
    class RoundTrip {
        @Test
        @DisplayName("the four factories, a scalar and an empty tensor read back")
        void factories() throws IOException {
            float[] values = {1f, -2.5f, 0.1f, 65504f, 1e-8f, Float.NEGATIVE_INFINITY};
            SafetensorsWriter.write(target(), tensors(
                    "w.f32", Tensor.ofFloats(new long[] {2, 3}, values),
                    "w.bf16", Tensor.ofBf16(new long[] {3, 2}, values),
                    "w.f16", Tensor.ofF16(new long[] {6}, values),
                    "ids", Tensor.ofLongs(new long[] {1, 3}, new long[] {Long.MIN_VALUE, -100, 1L << 40}),
                    "scalar", Tensor.ofFloats(new long[0], new float[] {42.5f}),
                    "empty", Tensor.ofFloats(new long[] {0, 4}, new float[0])), Map.of());

            try (SafetensorsFile f = SafetensorsFile.open(target())) {
                assertThat(f.names()).containsExactly("w.f32", "w.bf16", "w.f16", "ids", "scalar", "empty");
                assertThat(f.floats("w.f32")).containsExactly(values);
                assertThat(f.info("w.f32").shape()).containsExactly(2, 3);
                // bf16 keeps 8 significant bits: 0.1 → 0.10009765625 (0x3DCD), 65504 → 65536.
                assertThat(f.floats("w.bf16")).containsExactly(1f, -2.5f, 0.10009765625f, 65536f,
                        Float.intBitsToFloat(0x322C_0000), Float.NEGATIVE_INFINITY);
                assertThat(f.info("w.bf16").dtype()).isEqualTo(DType.BF16);
                // f16 keeps 11: 0.1 → 0.0999755859375, 1e-8 underflows to 0.
                assertThat(f.floats("w.f16")).containsExactly(1f, -2.5f, 0.0999755859375f, 65504f, 0f,
                        Float.NEGATIVE_INFINITY);
                assertThat(f.longs("ids")).containsExactly(Long.MIN_VALUE, -100, 1L << 40);
                assertThat(f.info("ids").dtype()).isEqualTo(DType.I64);
                assertThat(f.info("scalar").shape()).isEmpty();
                assertThat(f.floats("scalar")).containsExactly(42.5f);
                assertThat(f.info("empty")).isEqualTo(new TensorInfo("empty", DType.F32, new long[] {0, 4},
                        f.info("scalar").end(), f.info("scalar").end()));
                assertThat(f.floats("empty")).isEmpty();
            }
        }

        @Test
        @DisplayName("any dtype through the generic constructor")
        void rawBytes() throws IOException {
            SafetensorsWriter.write(target(), tensors(
                    "mask", new Tensor(DType.BOOL, new long[] {3}, new byte[] {1, 0, 1}),
                    "u16", new Tensor(DType.U16, new long[] {1}, new byte[] {(byte) 0xFF, (byte) 0xFF})), Map.of());
            try (SafetensorsFile f = SafetensorsFile.open(target())) {
                assertThat(f.longs("mask")).containsExactly(1, 0, 1);
                assertThat(f.longs("u16")).containsExactly(65535);
            }
        }

        @Test
        @DisplayName("the exact bytes of a one-tensor file")
        void exactBytes() throws IOException {
            SafetensorsWriter.write(target(), tensors("attn.0",
                    Tensor.ofFloats(new long[] {1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5})), Map.of());
            String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                    + "\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
            String padded = json + " ".repeat((8 - json.length() % 8) % 8);
            assertThat(headerText(target())).isEqualTo(padded);
            assertThat(Files.readAllBytes(target())).isEqualTo(SafetensorsTestFiles.file(padded,
                    SafetensorsTestFiles.f32(0, 1, 2, 3, 4, 5)));
        }

        @Test
        @DisplayName("no tensors: a header with the metadata only")
        void noTensors() throws IOException {
            SafetensorsWriter.write(target(), Map.of(), Map.of());
            // 32 bytes: already a multiple of 8, so no padding.
            assertThat(headerText(target())).isEqualTo("{\"__metadata__\":{\"format\":\"pt\"}}");
            try (SafetensorsFile f = SafetensorsFile.open(target())) {
                assertThat(f.names()).isEmpty();
                assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
            }
        }

        @Test
        @DisplayName("non-ASCII names and metadata survive")
        void unicode() throws IOException {
            SafetensorsWriter.write(target(), tensors("甘草.weight", Tensor.ofLongs(new long[] {1}, new long[] {6})),
                    Map.of("note", "黄芪 \"quoted\""));
            try (SafetensorsFile f = SafetensorsFile.open(target())) {
                assertThat(f.names()).containsExactly("甘草.weight");
                assertThat(f.metadata()).containsEntry("note", "黄芪 \"quoted\"");
            }
        }
    }

    @Nested
    @DisplayName("metadata")
    class Metadata {
        @Test
        @DisplayName("format pt comes first when not given")
        void formatAdded() throws IOException {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("z", "1");
            metadata.put("a", "2");
            SafetensorsWriter.write(target(), Map.of(), metadata);
            try (SafetensorsFile f = SafetensorsFile.open(target())) {
                assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("z", "1"),
                        Map.entry("a", "2"));
            }
        }

        @Test
        @DisplayName("a given format is kept")
        void formatGiven() throws IOException {
            SafetensorsWriter.write(target(), Map.of(), Map.of("format", "np"));
            try (SafetensorsFile f = SafetensorsFile.open(target())) {
                assertThat(f.metadata()).containsExactly(Map.entry("format", "np"));
            }
        }
    }

    @Test
    @DisplayName("the data starts at a multiple of 8 bytes, whatever the header's length")
    void alignment() throws IOException {
        for (int length = 1; length <= 16; length++) {
            String name = "x".repeat(length);
            SafetensorsWriter.write(target(), tensors(name, Tensor.ofFloats(new long[] {1}, new float[] {7})),
                    Map.of());
            String header = headerText(target());
            assertThat((8 + header.getBytes(StandardCharsets.UTF_8).length) % 8).as("name length %d", length)
                    .isZero();
            assertThat(header.strip()).endsWith("}");
            assertThat(header.length() - header.strip().length()).isLessThan(8);
            try (SafetensorsFile f = SafetensorsFile.open(target())) {
                assertThat(f.floats(name)).containsExactly(7f);
            }
        }
    }

    @Nested
    @DisplayName("is atomic")
    class Atomic {
        private byte[] oldFile() throws IOException {
            SafetensorsWriter.write(target(), tensors("old", Tensor.ofFloats(new long[] {1}, new float[] {1})),
                    Map.of());
            return Files.readAllBytes(target());
        }

        private void assertUnchanged(byte[] old) throws IOException {
            assertThat(Files.readAllBytes(target())).isEqualTo(old);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("out.safetensors");
            }
        }

        @Test
        @DisplayName("a tensor whose data does not match its shape is rejected before anything is written")
        void mismatchRejectedEarly() throws IOException {
            byte[] old = oldFile();
            // The mismatch cannot even be built: Tensor checks it.
            assertThatThrownBy(() -> new Tensor(DType.F32, new long[] {2, 3}, new byte[20]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("data has 20 bytes; F32 [2, 3] takes 24");
            assertThatThrownBy(() -> SafetensorsWriter.write(target(), tensors(
                    "a", Tensor.ofFloats(new long[] {1}, new float[] {2}),
                    "__metadata__", Tensor.ofFloats(new long[] {1}, new float[] {3})), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tensor name \"__metadata__\" is reserved for the metadata");
            Map<String, Tensor> withNull = new HashMap<>();
            withNull.put("a", null);
            assertThatThrownBy(() -> SafetensorsWriter.write(target(), withNull, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tensor 'a' must not be null");
            Map<String, String> nullValue = new HashMap<>();
            nullValue.put("k", null);
            assertThatThrownBy(() -> SafetensorsWriter.write(target(), Map.of(), nullValue))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("metadata value of 'k' must not be null");
            assertUnchanged(old);
        }

        @Test
        @DisplayName("a failure midway through the data leaves the old file and no temporary file")
        void failureMidway() throws IOException {
            byte[] old = oldFile();
            Map<String, Tensor> big = tensors("a", Tensor.ofFloats(new long[] {1000}, new float[1000]));
            assertThatThrownBy(() -> SafetensorsWriter.write(target(), big, Map.of(), out -> failingAfter(out, 100)))
                    .isInstanceOf(IOException.class)
                    .hasMessage("disk full (simulated)");
            assertUnchanged(old);
        }

        private static OutputStream failingAfter(OutputStream out, int limit) {
            return new FilterOutputStream(out) {
                private int written;

                @Override
                public void write(int b) throws IOException {
                    if (++written > limit) {
                        throw new IOException("disk full (simulated)");
                    }
                    super.write(b);
                }
            };
        }
    }

    @Nested
    @DisplayName("Tensor")
    class Tensors {
        @Test
        @DisplayName("copies its arrays and compares by content")
        void copies() {
            long[] shape = {2};
            byte[] data = {1, 2};
            Tensor t = new Tensor(DType.I8, shape, data);
            shape[0] = 5;
            data[0] = 9;
            t.data()[1] = 9;
            t.shape()[0] = 9;
            assertThat(t.shape()).containsExactly(2);
            assertThat(t.data()).containsExactly(1, 2);
            assertThat(t).isEqualTo(new Tensor(DType.I8, new long[] {2}, new byte[] {1, 2}))
                    .hasSameHashCodeAs(new Tensor(DType.I8, new long[] {2}, new byte[] {1, 2}))
                    .isNotEqualTo(new Tensor(DType.U8, new long[] {2}, new byte[] {1, 2}))
                    .hasToString("Tensor[dtype=I8, shape=[2], 2 bytes]");
        }

        @Test
        @DisplayName("factories check the value count against the shape")
        void counts() {
            assertThatThrownBy(() -> Tensor.ofFloats(new long[] {2, 3}, new float[5]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("values has 5 elements; shape [2, 3] has 6");
            assertThatThrownBy(() -> Tensor.ofLongs(new long[] {-1}, new long[0]))
                    .hasMessage("shape [-1] has a negative dimension");
            assertThatThrownBy(() -> Tensor.ofBf16(null, new float[0])).hasMessage("shape must not be null");
            assertThatThrownBy(() -> Tensor.ofF16(new long[] {1}, null)).hasMessage("values must not be null");
            assertThatThrownBy(() -> Tensor.ofF16(new long[] {1L << 62, 1L << 62}, new float[0]))
                    .hasMessage("shape [4611686018427387904, 4611686018427387904] of F16 overflows a long");
        }

        @Test
        @DisplayName("little-endian layout")
        void layout() {
            assertThat(Tensor.ofLongs(new long[] {1}, new long[] {1}).data()).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
            assertThat(Tensor.ofF16(new long[] {1}, new float[] {1}).data()).containsExactly(0x00, 0x3C);
            assertThat(Tensor.ofBf16(new long[] {1}, new float[] {1}).data()).containsExactly(0x80, 0x3F);
            assertThat(Tensor.ofFloats(new long[] {1}, new float[] {1}).data()).containsExactly(0, 0, 0x80, 0x3F);
        }
    }

    @Test
    @DisplayName("null arguments are caller mistakes")
    void nulls() {
        assertThatThrownBy(() -> SafetensorsWriter.write(null, Map.of(), Map.of())).hasMessage("file must not be null");
        assertThatThrownBy(() -> SafetensorsWriter.write(target(), null, Map.of()))
                .hasMessage("tensors must not be null");
        assertThatThrownBy(() -> SafetensorsWriter.write(target(), Map.of(), null))
                .hasMessage("metadata must not be null");
        assertThat(List.of(dir.toFile().list())).isEmpty();
    }
}
