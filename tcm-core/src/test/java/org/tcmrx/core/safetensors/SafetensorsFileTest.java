package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.f32;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.f64;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.i32;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.i64;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.u16;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
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

@DisplayName("SafetensorsFile")
class SafetensorsFileTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return SafetensorsTestFiles.write(dir, "t.safetensors", bytes);
    }

    /** One tensor of every dtype, with values at the edges of each. */
    private Path everyDtype() throws IOException {
        return write(new Raw()
                .metadata("{\"format\":\"pt\",\"note\":\"probe\"}")
                .add("f32", "F32", "[2,2]", f32(1.5f, -0f, Float.MAX_VALUE, Float.NaN))
                .add("f16", "F16", "[4]", u16(0x3C00, 0xC000, 0x7C00, 0x0001))
                .add("bf16", "BF16", "[3]", u16(0x3F80, 0xC020, 0x0001))
                .add("f64", "F64", "[3]", f64(1.5, 1e300, -0.1))
                .add("i64", "I64", "[2]", i64(Long.MIN_VALUE, 1L << 40))
                .add("i32", "I32", "[2]", i32(-5, Integer.MAX_VALUE))
                .add("u32", "U32", "[2]", i32(-1, 7))
                .add("i16", "I16", "[2]", u16(0xFFFE, 0x7FFF))
                .add("u16", "U16", "[2]", u16(0xFFFF, 1))
                .add("i8", "I8", "[2]", new byte[] {-1, 127})
                .add("u8", "U8", "[2]", new byte[] {-1, 127})
                .add("bool", "BOOL", "[3]", new byte[] {0, 1, 1})
                .add("u64", "U64", "[1]", i64(-1))
                .add("scalar", "F32", "[]", f32(42.5f))
                .add("empty", "F32", "[0,4]", new byte[0])
                .bytes());
    }

    @Nested
    @DisplayName("reads every dtype")
    class Dtypes {
        @Test
        @DisplayName("F32, F16, BF16 and F64 as float32")
        void floats() throws IOException {
            try (SafetensorsFile f = SafetensorsFile.open(everyDtype())) {
                assertThat(f.floats("f32")).containsExactly(1.5f, -0f, Float.MAX_VALUE, Float.NaN);
                assertThat(Float.floatToRawIntBits(f.floats("f32")[1])).isEqualTo(0x8000_0000);
                assertThat(f.floats("f16")).containsExactly(1f, -2f, Float.POSITIVE_INFINITY, 0x1p-24f);
                assertThat(f.floats("bf16")).containsExactly(1f, -2.5f, Float.intBitsToFloat(0x0001_0000));
                assertThat(f.floats("f64")).containsExactly(1.5f, Float.POSITIVE_INFINITY, -0.1f);
                assertThat(f.floats("scalar")).containsExactly(42.5f);
                assertThat(f.floats("empty")).isEmpty();
            }
        }

        @Test
        @DisplayName("integers and BOOL as long, unsigned types unsigned")
        void longs() throws IOException {
            try (SafetensorsFile f = SafetensorsFile.open(everyDtype())) {
                assertThat(f.longs("i64")).containsExactly(Long.MIN_VALUE, 1L << 40);
                assertThat(f.longs("i32")).containsExactly(-5, Integer.MAX_VALUE);
                assertThat(f.longs("u32")).containsExactly(4_294_967_295L, 7);
                assertThat(f.longs("i16")).containsExactly(-2, 32767);
                assertThat(f.longs("u16")).containsExactly(65535, 1);
                assertThat(f.longs("i8")).containsExactly(-1, 127);
                assertThat(f.longs("u8")).containsExactly(255, 127);
                assertThat(f.longs("bool")).containsExactly(0, 1, 1);
            }
        }

        @Test
        @DisplayName("raw bytes as a read-only little-endian view")
        void bytes() throws IOException {
            try (SafetensorsFile f = SafetensorsFile.open(everyDtype())) {
                ByteBuffer b = f.bytes("u64");
                assertThat(b.isReadOnly()).isTrue();
                assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
                assertThat(b.remaining()).isEqualTo(8);
                assertThat(b.getLong(0)).isEqualTo(-1L);
                assertThat(f.bytes("i32").getInt(0)).isEqualTo(-5);
                assertThat(f.bytes("empty").remaining()).isZero();
            }
        }

        @Test
        @DisplayName("floats of an integer tensor and longs of a float tensor are caller mistakes")
        void wrongDtype() throws IOException {
            Path file = everyDtype();
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThatThrownBy(() -> f.floats("i64"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("tensor 'i64' in " + file + " is I64; floats reads F32, F16, BF16 and F64 (use"
                                + " longs)");
                assertThatThrownBy(() -> f.floats("u64"))
                        .hasMessage("tensor 'u64' in " + file + " is U64; floats reads F32, F16, BF16 and F64 (use"
                                + " bytes)");
                assertThatThrownBy(() -> f.readFloats("bool", 0, FloatBuffer.allocate(1)))
                        .hasMessage("tensor 'bool' in " + file + " is BOOL; floats reads F32, F16, BF16 and F64 (use"
                                + " longs)");
                assertThatThrownBy(() -> f.longs("bf16"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("tensor 'bf16' in " + file + " is BF16; longs reads I64, I32, U32, I16, U16, I8,"
                                + " U8 and BOOL (use floats)");
                assertThatThrownBy(() -> f.longs("u64"))
                        .hasMessage("tensor 'u64' in " + file + " is U64; longs reads I64, I32, U32, I16, U16, I8,"
                                + " U8 and BOOL (use bytes)");
            }
        }
    }

    @Nested
    @DisplayName("the header")
    class HeaderApi {
        @Test
        @DisplayName("names in header order, metadata, contains, info")
        void header() throws IOException {
            Path file = write(new Raw().add("z", "F32", "[1]", f32(1)).add("a", "I64", "[2,1]", i64(1, 2))
                    .metadata("{\"format\":\"pt\",\"b\":\"2\"}").bytes());
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThat(f.path()).isEqualTo(file);
                assertThat(f.names()).containsExactly("z", "a");
                assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("b", "2"));
                assertThat(f.contains("a")).isTrue();
                assertThat(f.contains("__metadata__")).isFalse();
                assertThat(f.contains(null)).isFalse();
                assertThat(f.info("a")).isEqualTo(new TensorInfo("a", DType.I64, new long[] {2, 1}, 4, 20));
                assertThat(f.toString()).isEqualTo("SafetensorsFile[" + file + ", 2 tensors]");
            }
        }

        @Test
        @DisplayName("no metadata is an empty map; a null metadata too")
        void noMetadata() throws IOException {
            try (SafetensorsFile f = SafetensorsFile.open(write(new Raw().add("a", "U8", "[1]", new byte[1])
                    .bytes()))) {
                assertThat(f.metadata()).isEmpty();
            }
            try (SafetensorsFile f = SafetensorsFile.open(write(new Raw().metadata("null").bytes()))) {
                assertThat(f.metadata()).isEmpty();
                assertThat(f.names()).isEmpty();
            }
        }

        @Test
        @DisplayName("keys of an entry other than dtype, shape and data_offsets are ignored, as by the reference")
        void extraKeys() throws IOException {
            Path file = write(SafetensorsTestFiles.file(
                    "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"note\":1}}", f32(3)));
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThat(f.floats("a")).containsExactly(3f);
            }
        }

        @Test
        @DisplayName("tensors may be listed in any order in the header; offsets decide the layout")
        void headerOrderIndependentOfOffsets() throws IOException {
            Path file = write(SafetensorsTestFiles.file("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":"
                    + "[4,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1, 2)));
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThat(f.names()).containsExactly("b", "a");
                assertThat(f.floats("b")).containsExactly(2f);
            }
        }

        @Test
        @DisplayName("a tensor that is not there")
        void absent() throws IOException {
            Path file = write(new Raw().add("a", "F32", "[1]", f32(1)).bytes());
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThatThrownBy(() -> f.info("b"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("no tensor 'b' in " + file);
                assertThatThrownBy(() -> f.floats("b")).hasMessage("no tensor 'b' in " + file);
                assertThatThrownBy(() -> f.longs("b")).hasMessage("no tensor 'b' in " + file);
                assertThatThrownBy(() -> f.bytes("b")).hasMessage("no tensor 'b' in " + file);
            }
        }

        @Test
        @DisplayName("a null path is a caller mistake")
        void nullPath() {
            assertThatThrownBy(() -> SafetensorsFile.open(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("file must not be null");
        }
    }

    @Nested
    @DisplayName("readFloats")
    class ReadFloats {
        @Test
        @DisplayName("reads dest.remaining() elements from an offset and advances dest")
        void part() throws IOException {
            Path file = write(new Raw().add("a", "BF16", "[5]", u16(0x3F80, 0x4000, 0x4040, 0x4080, 0x40A0))
                    .bytes());
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                FloatBuffer dest = FloatBuffer.allocate(4);
                dest.put(-1f);
                dest.limit(3);
                f.readFloats("a", 2, dest);
                assertThat(dest.position()).isEqualTo(3);
                assertThat(dest.array()).containsExactly(-1f, 3f, 4f, 0f);
                FloatBuffer none = FloatBuffer.allocate(0);
                f.readFloats("a", 5, none);
            }
        }

        @Test
        @DisplayName("a range outside the tensor, or a negative start, is a caller mistake")
        void outside() throws IOException {
            Path file = write(new Raw().add("a", "F32", "[3]", f32(1, 2, 3)).bytes());
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThatThrownBy(() -> f.readFloats("a", 2, FloatBuffer.allocate(2)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("elements [2, 2 + 2) are not within the 3 elements of tensor 'a' in " + file);
                assertThatThrownBy(() -> f.readFloats("a", -1, FloatBuffer.allocate(1)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("fromElement must not be negative, got -1");
                assertThatThrownBy(() -> f.readFloats("a", 0, null))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("dest must not be null");
            }
        }
    }

    @Nested
    @DisplayName("closing")
    class Closing {
        @Test
        @DisplayName("reads after close fail; the header stays readable; closing twice is harmless")
        void closed() throws IOException {
            Path file = everyDtype();
            SafetensorsFile f = SafetensorsFile.open(file);
            f.close();
            f.close();
            String message = file + " is closed";
            assertThatThrownBy(() -> f.floats("f32")).isInstanceOf(IllegalStateException.class).hasMessage(message);
            assertThatThrownBy(() -> f.readFloats("f32", 0, FloatBuffer.allocate(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessage(message);
            assertThatThrownBy(() -> f.readFloat16("f32", 0, ShortBuffer.allocate(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessage(message);
            assertThatThrownBy(() -> f.longs("i64")).isInstanceOf(IllegalStateException.class).hasMessage(message);
            assertThatThrownBy(() -> f.bytes("i64")).isInstanceOf(IllegalStateException.class).hasMessage(message);
            assertThat(f.names()).contains("f32");
            assertThat(f.info("f32").elementCount()).isEqualTo(4);
        }

        @Test
        @DisplayName("a buffer from bytes() stays valid after close")
        void bytesAfterClose() throws IOException {
            SafetensorsFile f = SafetensorsFile.open(everyDtype());
            ByteBuffer b = f.bytes("i64");
            f.close();
            assertThat(b.getLong(8)).isEqualTo(1L << 40);
        }
    }

    @Test
    @DisplayName("concurrent reads from one file agree with sequential ones")
    void threads() throws Exception {
        Path file = write(SafetensorsTestFiles.randomTensors(new SplittableRandom(11)));
        try (SafetensorsFile f = SafetensorsFile.open(file, 16)) {
            float[] f32 = f.floats("f32");
            float[] f16 = f.floats("f16");
            long[] i32 = f.longs("i32");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        boolean same = true;
                        for (int i = 0; i < 300; i++) {
                            same &= Arrays.equals(f.floats("f32"), f32)
                                    && Arrays.equals(f.floats("f16"), f16)
                                    && Arrays.equals(f.longs("i32"), i32);
                        }
                        return same;
                    }));
                }
                for (Future<Boolean> r : results) {
                    assertThat(r.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("TensorInfo and DType")
    class Records {
        @Test
        @DisplayName("TensorInfo copies its shape and compares by content")
        void tensorInfo() {
            long[] shape = {2, 3};
            TensorInfo info = new TensorInfo("w", DType.BF16, shape, 8, 20);
            shape[0] = 9;
            info.shape()[1] = 9;
            assertThat(info.shape()).containsExactly(2, 3);
            assertThat(info.elementCount()).isEqualTo(6);
            assertThat(info).isEqualTo(new TensorInfo("w", DType.BF16, new long[] {2, 3}, 8, 20))
                    .hasSameHashCodeAs(new TensorInfo("w", DType.BF16, new long[] {2, 3}, 8, 20))
                    .isNotEqualTo(new TensorInfo("w", DType.F16, new long[] {2, 3}, 8, 20));
            assertThat(info).hasToString("TensorInfo[name=w, dtype=BF16, shape=[2, 3], begin=8, end=20]");
            assertThat(new TensorInfo("s", DType.F32, new long[0], 0, 4).elementCount()).isEqualTo(1);
            assertThat(new TensorInfo("e", DType.F32, new long[] {0, 4}, 4, 4).elementCount()).isZero();
        }

        @Test
        @DisplayName("TensorInfo rejects inconsistent values")
        void tensorInfoInvalid() {
            assertThatThrownBy(() -> new TensorInfo("w", DType.F32, new long[] {2}, 0, 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tensor 'w': F32 [2] takes 8 bytes, not 4");
            assertThatThrownBy(() -> new TensorInfo("w", DType.F32, new long[] {-1}, 0, 4))
                    .hasMessage("shape [-1] has a negative dimension");
            assertThatThrownBy(() -> new TensorInfo("w", DType.F32, new long[] {1}, 4, 0))
                    .hasMessage("offsets [4, 0) of tensor 'w' are not a range of non-negative offsets");
            assertThatThrownBy(() -> new TensorInfo(null, DType.F32, new long[] {1}, 0, 4))
                    .hasMessage("name must not be null");
        }

        @Test
        @DisplayName("DType names and sizes are the format's")
        void dtype() {
            assertThat(DType.parse("BF16")).isEqualTo(DType.BF16);
            assertThat(DType.parse("BOOL").byteSize()).isEqualTo(1);
            assertThat(DType.parse("U16").byteSize()).isEqualTo(2);
            assertThat(DType.parse("F16").byteSize()).isEqualTo(2);
            assertThat(DType.parse("I32").byteSize()).isEqualTo(4);
            assertThat(DType.parse("F64").byteSize()).isEqualTo(8);
            assertThat(DType.parse("U64").byteSize()).isEqualTo(8);
            assertThatThrownBy(() -> DType.parse("float32"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown dtype \"float32\"; expected one of BOOL, U8, I8, I16, U16, F16, BF16, I32,"
                            + " U32, F32, I64, U64, F64");
        }
    }
}
