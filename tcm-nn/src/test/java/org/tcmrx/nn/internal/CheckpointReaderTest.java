package org.tcmrx.nn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.safetensors.DType;
import org.tcmrx.core.safetensors.SafetensorsCheckpoint;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.core.safetensors.SafetensorsWriter.Tensor;

@DisplayName("CheckpointReader")
class CheckpointReaderTest {
    @TempDir
    Path dir;

    /** Values of every kind: normal, subnormal in float16, beyond its range, signed zeros, NaN and infinities. */
    private static float[] values(SplittableRandom random, int n) {
        float[] v = new float[n];
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, 0x1p-20f, 1e5f, -Float.MIN_VALUE};
        for (int i = 0; i < n; i++) {
            v[i] = i < special.length ? special[i] : (float) (random.nextGaussian() * 0.05);
        }
        return v;
    }

    private static Tensor f64(long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putDouble(v);
        }
        return new Tensor(DType.F64, shape, b.array());
    }

    /**
     * Writes a two-shard checkpoint with one tensor of every float dtype and awkward sizes; returns the layout.
     */
    private Map<String, long[]> shardedCheckpoint(float[] big) throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        Map<String, Tensor> first = new LinkedHashMap<>();
        first.put("f32", Tensor.ofFloats(new long[] {37, 29}, big));
        first.put("scalar", Tensor.ofFloats(new long[0], new float[] {2.5f}));
        first.put("empty", Tensor.ofFloats(new long[] {0, 3}, new float[0]));
        Map<String, Tensor> second = new LinkedHashMap<>();
        second.put("bf16", Tensor.ofBf16(new long[] {13, 7}, values(random, 91)));
        second.put("f16", Tensor.ofF16(new long[] {101}, values(random, 101)));
        second.put("f64", f64(new long[] {3, 11}, values(random, 33)));
        SafetensorsWriter.write(dir.resolve("a.safetensors"), first, Map.of());
        SafetensorsWriter.write(dir.resolve("b.safetensors"), second, Map.of());
        StringBuilder index = new StringBuilder("{\"weight_map\": {");
        Map<String, long[]> layout = new LinkedHashMap<>();
        for (Map<String, Tensor> shard : List.of(first, second)) {
            String file = shard == first ? "a.safetensors" : "b.safetensors";
            shard.forEach((name, t) -> {
                index.append(layout.isEmpty() ? "" : ", ").append('"').append(name).append("\": \"").append(file)
                        .append('"');
                layout.put(name, t.shape());
            });
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}").toString());
        return layout;
    }

    private Map<String, NDArray> read(Map<String, long[]> layout, Predicate<String> float16, NDManager m,
            int chunkBytes) throws IOException {
        return CheckpointReader.read(dir, layout, Set.of(), List.of(), null, "Test", float16, m, chunkBytes);
    }

    /** The float16 bit patterns of an array. */
    private static short[] halves(NDArray a) {
        ShortBuffer b = a.toByteBuffer().order(ByteOrder.nativeOrder()).asShortBuffer();
        short[] bits = new short[b.remaining()];
        b.get(bits);
        return bits;
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Nested
    @DisplayName("chunked copies")
    class Chunks {
        @Test
        @DisplayName("float32 arrays are bit-identical to whole-tensor reads, whatever the chunk size")
        void float32() throws IOException {
            float[] big = values(new SplittableRandom(5), 37 * 29);
            Map<String, long[]> layout = shardedCheckpoint(big);
            try (NDManager m = NDManager.newBaseManager();
                    SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
                // 4 bytes: one element per chunk; 12 and 1000: chunks that split rows; the default: one chunk.
                for (int chunk : new int[] {4, 12, 1000, CheckpointReader.CHUNK_BYTES}) {
                    try (NDManager scope = m.newSubManager()) {
                        Map<String, NDArray> arrays = read(layout, name -> false, scope, chunk);
                        assertThat(arrays).containsOnlyKeys(layout.keySet());
                        for (String name : layout.keySet()) {
                            NDArray a = arrays.get(name);
                            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
                            assertThat(a.getShape()).isEqualTo(new Shape(layout.get(name)));
                            assertThat(bits(a.toFloatArray())).as("%s in chunks of %d bytes", name, chunk)
                                    .containsExactly(bits(ckpt.floats(name)));
                        }
                    }
                }
            }
        }

        @Test
        @DisplayName("float16 arrays hold readFloat16's bits, and PyTorch's own rounding of the float32 values")
        void float16() throws IOException {
            float[] big = values(new SplittableRandom(5), 37 * 29);
            big[5] = 1f; // no overflow here; the error has its own test
            big[2] = 0f; // no NaN either, whose payload the engine need not keep as the Java side does
            Map<String, long[]> layout = shardedCheckpoint(big);
            List<String> halves = List.of("f32", "f16", "empty"); // bf16's and f64's 1e5 would overflow
            try (NDManager m = NDManager.newBaseManager();
                    SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
                Map<String, NDArray> whole = read(layout, halves::contains, m, CheckpointReader.CHUNK_BYTES);
                Map<String, NDArray> chunked = read(layout, halves::contains, m, 6);
                assertThat(chunked.get("scalar").getDataType()).isEqualTo(DataType.FLOAT32);
                for (String name : halves) {
                    NDArray a = chunked.get(name);
                    assertThat(a.getDataType()).isEqualTo(DataType.FLOAT16);
                    ShortBuffer expected = ShortBuffer.allocate(Math.toIntExact(a.getShape().size()));
                    ckpt.readFloat16(name, 0, expected);
                    assertThat(halves(a)).as(name).containsExactly(expected.array());
                    assertThat(halves(whole.get(name))).as(name).containsExactly(expected.array());
                }
                // The engine's float32 -> float16 rounding agrees with the Java side's.
                try (NDArray f32 = NativeArrays.floats(m, big, new Shape(37, 29));
                        NDArray engine = f32.toType(DataType.FLOAT16, true)) {
                    assertThat(halves(engine)).containsExactly(halves(chunked.get("f32")));
                }
            }
        }

        @Test
        @DisplayName("a tensor beyond float16's range is refused with its file and count; as float32 it loads")
        void overflow() throws IOException {
            float[] big = values(new SplittableRandom(5), 37 * 29);
            big[20] = -70000f;
            big[21] = 65520f; // the first value that rounds to infinity
            big[22] = 65519f; // still finite
            Map<String, long[]> layout = shardedCheckpoint(big);
            try (NDManager m = NDManager.newBaseManager()) {
                assertThatThrownBy(() -> read(layout, name -> name.equals("f32"), m, 100))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage(dir.resolve("a.safetensors") + ": f32: 3 of 1073 values are beyond float16's "
                                + "range (±65504) and would become infinite; load the model with float32 storage");
                // The infinity that f16 stores as such is not an overflow.
                assertThat(read(layout, name -> name.equals("f16"), m, 100).get("f16").getDataType())
                        .isEqualTo(DataType.FLOAT16);
            }
        }

        @Test
        @DisplayName("a missing optional tensor is zeros of the requested type")
        void optional() throws IOException {
            Map<String, long[]> layout = shardedCheckpoint(values(new SplittableRandom(5), 37 * 29));
            layout.put("absent", new long[] {2, 2});
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray absent = CheckpointReader.read(dir, layout, Set.of("absent"), List.of(), null, "Test",
                        name -> name.equals("absent"), m).get("absent");
                assertThat(absent.getDataType()).isEqualTo(DataType.FLOAT16);
                assertThat(halves(absent)).containsOnly((short) 0);
            }
        }
    }

    @Nested
    @DisplayName("NativeArrays.filled")
    class Filled {
        @Test
        @DisplayName("refuses a heap buffer, or one smaller than an element")
        void scratch() {
            try (NDManager m = NDManager.newBaseManager()) {
                ByteBuffer heap = ByteBuffer.allocate(64);
                assertThatThrownBy(() -> NativeArrays.filled(m, new Shape(4), DataType.FLOAT32, heap, (f, d) -> { }))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("scratch must be a direct buffer of at least one float32 element (4 bytes), got "
                                + heap);
                ByteBuffer tiny = ByteBuffer.allocateDirect(2);
                assertThatThrownBy(() -> NativeArrays.filled(m, new Shape(4), DataType.FLOAT32, tiny, (f, d) -> { }))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("scratch must be a direct buffer of at least one float32 element");
            }
        }

        @Test
        @DisplayName("hands out each chunk once, in order, and frees the array when reading fails")
        void chunks() throws IOException {
            try (NDManager m = NDManager.newBaseManager()) {
                ByteBuffer scratch = ByteBuffer.allocateDirect(12);
                StringBuilder calls = new StringBuilder();
                NDArray a = NativeArrays.filled(m, new Shape(2, 4), DataType.FLOAT32, scratch, (from, dest) -> {
                    calls.append(from).append('+').append(dest.remaining() / 4).append(' ');
                    while (dest.hasRemaining()) {
                        dest.putFloat(from++);
                    }
                });
                assertThat(calls.toString()).isEqualTo("0+3 3+3 6+2 ");
                assertThat(a.toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
                scratch.clear();
                scratch.putFloat(-1f); // the array does not alias the buffer
                assertThat(a.toFloatArray()[0]).isZero();
                int before = m.getManagedArrays().size();
                assertThatThrownBy(() -> NativeArrays.filled(m, new Shape(8), DataType.FLOAT32, scratch,
                        (from, dest) -> {
                            if (from > 0) {
                                throw new IOException("disk gone");
                            }
                        })).isInstanceOf(IOException.class).hasMessage("disk gone");
                assertThat(m.getManagedArrays()).hasSize(before);
            }
        }
    }
}
