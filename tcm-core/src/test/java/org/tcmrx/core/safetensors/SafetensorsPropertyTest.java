package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.safetensors.SafetensorsWriter.Tensor;

@DisplayName("Safetensors round trips (QuickTheories)")
class SafetensorsPropertyTest {
    private static final DType[] DTYPES = DType.values();

    @TempDir
    Path dir;

    /** Runs an I/O step inside a QuickTheories lambda, which cannot throw checked exceptions. */
    private interface IoStep {
        void run() throws IOException;
    }

    private static void io(IoStep step) {
        try {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("random dtypes, shapes (scalars and zeros included), bytes and metadata read back as written")
    void anyTensors() {
        Path file = dir.resolve("p.safetensors");
        qt().withFixedSeed(20250101L).withExamples(300)
                .forAll(lists().of(lists().of(integers().between(0, 4)).ofSizeBetween(0, 3)).ofSizeBetween(0, 6),
                        lists().of(integers().between(0, DTYPES.length - 1)).ofSize(6),
                        longs().all(),
                        lists().of(integers().between(0, 0x10FFFF)).ofSizeBetween(0, 3))
                .checkAssert((shapes, dtypeIndices, seed, codePoints) -> io(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    Map<String, Tensor> tensors = new LinkedHashMap<>();
                    for (int i = 0; i < shapes.size(); i++) {
                        DType dtype = DTYPES[dtypeIndices.get(i)];
                        long[] shape = shapes.get(i).stream().mapToLong(Integer::longValue).toArray();
                        byte[] data = new byte[(int) Shapes.elementCount(shape) * dtype.byteSize()];
                        random.nextBytes(data);
                        tensors.put("t" + (shapes.size() - i) + ".weight", new Tensor(dtype, shape, data));
                    }
                    Map<String, String> metadata = Map.of("note", text(codePoints));
                    SafetensorsWriter.write(file, tensors, metadata);

                    try (SafetensorsFile f = SafetensorsFile.open(file)) {
                        assertThat(f.names()).containsExactlyElementsOf(tensors.keySet());
                        assertThat(f.metadata()).containsEntry("note", text(codePoints)).containsEntry("format", "pt");
                        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                            Tensor t = e.getValue();
                            TensorInfo info = f.info(e.getKey());
                            assertThat(info.dtype()).isEqualTo(t.dtype());
                            assertThat(info.shape()).isEqualTo(t.shape());
                            byte[] read = new byte[f.bytes(e.getKey()).remaining()];
                            f.bytes(e.getKey()).get(read);
                            assertThat(read).isEqualTo(t.data());
                            checkConversions(f, e.getKey(), t);
                        }
                    }
                }));
    }

    /** floats() and longs() agree with a decoding of the raw bytes written. */
    private static void checkConversions(SafetensorsFile f, String name, Tensor t) throws IOException {
        ByteBuffer raw = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
        int n = t.data().length / t.dtype().byteSize();
        switch (t.dtype()) {
            case F32, F16, BF16, F64 -> {
                float[] values = f.floats(name);
                for (int i = 0; i < n; i++) {
                    float expected = switch (t.dtype()) {
                        case F32 -> raw.getFloat(4 * i);
                        case F16 -> HalfFloats.f16ToFloat(raw.getShort(2 * i));
                        case BF16 -> Float.intBitsToFloat((raw.getShort(2 * i) & 0xFFFF) << 16);
                        default -> (float) raw.getDouble(8 * i);
                    };
                    assertThat(Float.floatToIntBits(values[i])).isEqualTo(Float.floatToIntBits(expected));
                }
            }
            case U64 -> { } // bytes only
            default -> {
                long[] values = f.longs(name);
                for (int i = 0; i < n; i++) {
                    long expected = switch (t.dtype()) {
                        case I64 -> raw.getLong(8 * i);
                        case I32 -> raw.getInt(4 * i);
                        case U32 -> raw.getInt(4 * i) & 0xFFFF_FFFFL;
                        case I16 -> raw.getShort(2 * i);
                        case U16 -> raw.getShort(2 * i) & 0xFFFF;
                        case I8 -> raw.get(i);
                        default -> raw.get(i) & 0xFF;
                    };
                    assertThat(values[i]).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    @DisplayName("the float factories: F32 exact, BF16 and F16 rounded once, as the conversions say")
    void floatFactories() {
        Path file = dir.resolve("f.safetensors");
        qt().withFixedSeed(42L).withExamples(300)
                .forAll(lists().of(floats().any()).ofSizeBetween(0, 40))
                .checkAssert(list -> io(() -> {
                    float[] values = new float[list.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = list.get(i);
                    }
                    long[] shape = {values.length};
                    Map<String, Tensor> tensors = new LinkedHashMap<>();
                    tensors.put("f32", Tensor.ofFloats(shape, values));
                    tensors.put("bf16", Tensor.ofBf16(shape, values));
                    tensors.put("f16", Tensor.ofF16(shape, values));
                    SafetensorsWriter.write(file, tensors, Map.of());
                    try (SafetensorsFile f = SafetensorsFile.open(file)) {
                        float[] f32 = f.floats("f32");
                        float[] bf16 = f.floats("bf16");
                        float[] f16 = f.floats("f16");
                        for (int i = 0; i < values.length; i++) {
                            float v = values[i];
                            assertThat(Float.floatToIntBits(f32[i])).isEqualTo(Float.floatToIntBits(v));
                            assertThat(Float.floatToIntBits(bf16[i])).isEqualTo(
                                    Float.floatToIntBits(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v))));
                            assertThat(Float.floatToIntBits(f16[i])).isEqualTo(
                                    Float.floatToIntBits(HalfFloats.f16ToFloat(HalfFloats.floatToF16(v))));
                            if (Math.abs(v) >= Float.MIN_NORMAL && Math.abs(v) < 3e38f) {
                                // Normal floats land within half a bf16 step (8 significant bits).
                                assertThat((double) Math.abs(bf16[i] - v)).isLessThanOrEqualTo(Math.abs(v) * 0x1p-8);
                            }
                        }
                    }
                }));
    }

    @Test
    @DisplayName("ofLongs: any longs in any shape of the right size")
    void longFactory() {
        Path file = dir.resolve("l.safetensors");
        qt().withFixedSeed(7L).withExamples(200)
                .forAll(lists().of(longs().all()).ofSizeBetween(0, 30), integers().between(1, 3))
                .checkAssert((list, rows) -> io(() -> {
                    int n = list.size() - list.size() % rows;
                    long[] values = list.subList(0, n).stream().mapToLong(Long::longValue).toArray();
                    SafetensorsWriter.write(file, Map.of("ids", Tensor.ofLongs(new long[] {rows, n / rows}, values)),
                            Map.of());
                    try (SafetensorsFile f = SafetensorsFile.open(file)) {
                        assertThat(f.longs("ids")).containsExactly(values);
                        assertThat(f.info("ids").shape()).containsExactly(rows, n / rows);
                    }
                }));
    }

    private static String text(List<Integer> codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int cp : codePoints) {
            // Lone surrogates are not text: UTF-8 cannot encode them.
            if (cp < 0xD800 || cp > 0xDFFF) {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }
}
