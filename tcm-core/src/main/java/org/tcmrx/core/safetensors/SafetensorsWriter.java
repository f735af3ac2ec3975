package org.tcmrx.core.safetensors;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Json;

/**
 * Writes safetensors files that Hugging Face's {@code safetensors} library and {@link SafetensorsFile} read.
 *
 * <p>The header lists {@code "__metadata__"} first (always present, with {@code "format": "pt"} added unless the
 * metadata has a {@code format}, as PyTorch checkpoints carry it), then the tensors in the map's iteration order;
 * their data follow in the same order, contiguously. The header is padded with spaces so the data buffer starts at a
 * multiple of 8 bytes. Unlike the reference writer, tensors are not re-sorted by alignment, so a tensor's data start
 * is aligned to its element size only when the tensors before it leave it so.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /**
     * Writes a file atomically: every argument is checked before anything is written, and the file is replaced only
     * once complete, so a failure leaves the previous file (or none) in place.
     *
     * @param file the file to create or replace
     * @param tensors the tensors by name, in the order to write them
     * @param metadata the header's {@code "__metadata__"} strings; {@code "format": "pt"} is added unless present
     * @throws IllegalArgumentException when an argument, name, tensor, key or value is null, a tensor is named
     *     {@code "__metadata__"}, or the header would exceed the 100,000,000 bytes readers accept
     * @throws IOException when writing fails; the previous file is then unchanged
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, tensors, metadata, UnaryOperator.identity());
    }

    /** {@link #write(Path, Map, Map)} with the output stream wrapped, so tests can make writing fail midway. */
    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
            UnaryOperator<OutputStream> wrap) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(tensors, "tensors");
        Checks.notNull(metadata, "metadata");
        List<Entry<String, Tensor>> entries = new ArrayList<>(tensors.size());
        for (Entry<String, Tensor> e : tensors.entrySet()) {
            String name = Checks.notNull(e.getKey(), "tensor name");
            if (Header.METADATA.equals(name)) {
                throw new IllegalArgumentException("tensor name \"__metadata__\" is reserved for the metadata");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("tensor '" + name + "' must not be null");
            }
            entries.add(Map.entry(name, e.getValue()));
        }
        Map<String, String> fullMetadata = new LinkedHashMap<>();
        if (!metadata.containsKey("format")) {
            fullMetadata.put("format", "pt");
        }
        for (Entry<String, String> e : metadata.entrySet()) {
            String key = Checks.notNull(e.getKey(), "metadata key");
            fullMetadata.put(key, Checks.notNull(e.getValue(), "metadata value of '" + key + "'"));
        }
        byte[] prefixAndHeader = prefixAndHeader(entries, fullMetadata);
        AtomicFiles.write(file, raw -> {
            OutputStream out = wrap.apply(raw);
            out.write(prefixAndHeader);
            for (Entry<String, Tensor> e : entries) {
                out.write(e.getValue().data);
            }
            out.flush();
        });
    }

    /** The 8-byte length, then the JSON header padded with spaces to a multiple of 8 bytes. */
    private static byte[] prefixAndHeader(List<Entry<String, Tensor>> entries, Map<String, String> metadata) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(json)) {
            g.writeStartObject();
            g.writeObjectFieldStart(Header.METADATA);
            for (Entry<String, String> e : metadata.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            long offset = 0;
            for (Entry<String, Tensor> e : entries) {
                Tensor t = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", t.dtype.name());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                offset += t.data.length;
                g.writeNumber(offset);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        int length = json.size();
        int padded = (length + 7) & ~7;
        if (padded > SafetensorsFile.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("the header would have " + padded + " bytes; readers accept at most "
                    + SafetensorsFile.MAX_HEADER_BYTES);
        }
        ByteBuffer out = ByteBuffer.allocate(Long.BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json.toByteArray());
        while (out.hasRemaining()) {
            out.put((byte) ' ');
        }
        return out.array();
    }

    /**
     * One tensor to write: its type, shape and raw little-endian row-major bytes. The arrays are copied on the way
     * in and out; equality, hash code and string form use their content.
     *
     * @param dtype the element type
     * @param shape the dimensions, row-major; empty for a scalar
     * @param data the elements' bytes, little-endian, exactly {@code product(shape) * dtype.byteSize()} of them
     */
    public record Tensor(DType dtype, long[] shape, byte[] data) {
        /**
         * Validates and copies the arrays.
         *
         * @param dtype the element type
         * @param shape the dimensions, row-major; empty for a scalar
         * @param data the elements' bytes, little-endian, exactly {@code product(shape) * dtype.byteSize()} of them
         * @throws IllegalArgumentException when an argument is null, a dimension is negative, or the data's length
         *     does not match the shape and dtype
         */
        public Tensor {
            Checks.notNull(dtype, "dtype");
            shape = Shapes.checkedCopy(shape, "shape");
            Checks.notNull(data, "data");
            long bytes = byteCount(dtype, shape);
            if (data.length != bytes) {
                throw new IllegalArgumentException("data has " + data.length + " bytes; " + dtype + " "
                        + Shapes.format(shape) + " takes " + bytes);
            }
            data = data.clone();
        }

        /**
         * Returns an F32 tensor.
         *
         * @param shape the dimensions
         * @param values the elements in row-major order, as many as the shape has
         * @return the tensor
         * @throws IllegalArgumentException when an argument is null or the counts differ
         */
        public static Tensor ofFloats(long[] shape, float[] values) {
            Checks.notNull(values, "values");
            ByteBuffer bytes = buffer(DType.F32, shape, values.length);
            bytes.asFloatBuffer().put(values);
            return new Tensor(DType.F32, shape, bytes.array());
        }

        /**
         * Returns an I64 tensor.
         *
         * @param shape the dimensions
         * @param values the elements in row-major order, as many as the shape has
         * @return the tensor
         * @throws IllegalArgumentException when an argument is null or the counts differ
         */
        public static Tensor ofLongs(long[] shape, long[] values) {
            Checks.notNull(values, "values");
            ByteBuffer bytes = buffer(DType.I64, shape, values.length);
            bytes.asLongBuffer().put(values);
            return new Tensor(DType.I64, shape, bytes.array());
        }

        /**
         * Returns a BF16 tensor, rounding each value to nearest, ties to even, as PyTorch does; NaN becomes the
         * quiet NaN {@code 0x7FC0}.
         *
         * @param shape the dimensions
         * @param values the elements in row-major order, as many as the shape has
         * @return the tensor
         * @throws IllegalArgumentException when an argument is null or the counts differ
         */
        public static Tensor ofBf16(long[] shape, float[] values) {
            return ofHalves(DType.BF16, shape, values, HalfFloats::floatToBf16);
        }

        /**
         * Returns an F16 (IEEE binary16) tensor, rounding each value to nearest, ties to even; values beyond
         * 65504 (after rounding) become infinite, values below 2^-25 become zero, NaN stays NaN.
         *
         * @param shape the dimensions
         * @param values the elements in row-major order, as many as the shape has
         * @return the tensor
         * @throws IllegalArgumentException when an argument is null or the counts differ
         */
        public static Tensor ofF16(long[] shape, float[] values) {
            return ofHalves(DType.F16, shape, values, HalfFloats::floatToF16);
        }

        /** Rounds a float to a 16-bit pattern. */
        private interface Narrowing {
            short apply(float value);
        }

        private static Tensor ofHalves(DType dtype, long[] shape, float[] values, Narrowing narrow) {
            Checks.notNull(values, "values");
            ByteBuffer bytes = buffer(dtype, shape, values.length);
            ShortBuffer halves = bytes.asShortBuffer();
            for (float v : values) {
                halves.put(narrow.apply(v));
            }
            return new Tensor(dtype, shape, bytes.array());
        }

        private static ByteBuffer buffer(DType dtype, long[] shape, int valueCount) {
            long[] checked = Shapes.checkedCopy(shape, "shape");
            long elements = byteCount(dtype, checked) / dtype.byteSize();
            if (elements != valueCount) {
                throw new IllegalArgumentException("values has " + valueCount + " elements; shape "
                        + Shapes.format(checked) + " has " + elements);
            }
            long bytes = (long) valueCount * dtype.byteSize();
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(dtype + " " + Shapes.format(checked) + " takes " + bytes
                        + " bytes, more than one Java array holds");
            }
            return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        private static long byteCount(DType dtype, long[] shape) {
            try {
                return Shapes.byteCount(dtype, shape);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Shapes.format(shape) + " of " + dtype
                        + " overflows a long", e);
            }
        }

        /**
         * Returns a copy of the shape.
         *
         * @return the dimensions, row-major; empty for a scalar
         */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /**
         * Returns a copy of the data.
         *
         * @return the elements' bytes, little-endian
         */
        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                    && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Tensor[dtype=" + dtype + ", shape=" + Shapes.format(shape) + ", " + data.length + " bytes]";
        }
    }
}
