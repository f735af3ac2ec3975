package org.tcmrx.core.safetensors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, independently of the writer under test, and finds the golden fixtures. */
final class SafetensorsTestFiles {
    private SafetensorsTestFiles() {}

    /** Assembles a valid file by hand: tensors laid out contiguously in the order added, no padding. */
    static final class Raw {
        private final StringBuilder entries = new StringBuilder();
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private String metadata;

        /** Sets the {@code "__metadata__"} JSON object. */
        Raw metadata(String json) {
            metadata = json;
            return this;
        }

        /** Adds a tensor; {@code shape} is JSON, e.g. {@code "[2,3]"}. */
        Raw add(String name, String dtype, String shape, byte[] bytes) {
            if (entries.length() > 0) {
                entries.append(',');
            }
            entries.append('"').append(name).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":")
                    .append(shape).append(",\"data_offsets\":[").append(data.size()).append(',')
                    .append(data.size() + bytes.length).append("]}");
            data.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            String header = "{" + (metadata == null ? "" : "\"__metadata__\":" + metadata
                    + (entries.length() > 0 ? "," : "")) + entries + "}";
            return file(header, data.toByteArray());
        }
    }

    /** The 8-byte little-endian length of {@code header}'s UTF-8 bytes, the header (unpadded), then {@code data}. */
    static byte[] file(String header, byte[] data) {
        return file(header.getBytes(StandardCharsets.UTF_8), data);
    }

    /** The 8-byte little-endian length of {@code header}, the header, then {@code data}. */
    static byte[] file(byte[] header, byte[] data) {
        return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).put(data).array();
    }

    /** A length prefix claiming {@code claimed} bytes, followed by {@code rest}. */
    static byte[] prefixed(long claimed, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(claimed).put(rest).array();
    }

    /** Writes bytes to {@code dir/name}, creating folders; returns the file. */
    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    /** Little-endian float32 bytes. */
    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** Little-endian float64 bytes. */
    static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    /** Little-endian int32 bytes. */
    static byte[] i32(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    /** Little-endian int64 bytes. */
    static byte[] i64(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    /** Little-endian 16-bit patterns. */
    static byte[] u16(int... patterns) {
        ByteBuffer b = ByteBuffer.allocate(2 * patterns.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : patterns) {
            b.putShort((short) v);
        }
        return b.array();
    }

    /** {@code n} zero bytes. */
    static byte[] zeros(int n) {
        return new byte[n];
    }

    /**
     * Returns a golden fixture folder ({@code -Dtcmrx.fixtures.dir}, set by the build), skipping the test when the
     * property is absent or the folder is missing.
     */
    static Path fixture(String name) {
        String root = System.getProperty("tcmrx.fixtures.dir", "");
        assumeTrue(!root.isBlank(), "tcmrx.fixtures.dir is not set");
        Path dir = Path.of(root).resolve(name);
        assumeTrue(Files.isDirectory(dir), dir + " does not exist");
        return dir;
    }

    /** Random bytes in tensors of several dtypes and odd sizes, as a whole file. */
    static byte[] randomTensors(java.util.SplittableRandom random) {
        byte[] f32 = new byte[4 * 37];
        byte[] f16 = new byte[2 * 29];
        byte[] f64 = new byte[8 * 11];
        byte[] i32 = new byte[4 * 13];
        byte[] i8 = new byte[41];
        for (byte[] b : java.util.List.of(f32, f16, f64, i32, i8)) {
            random.nextBytes(b);
        }
        return new Raw().add("f32", "F32", "[37]", f32).add("f16", "F16", "[29]", f16)
                .add("f64", "F64", "[11]", f64).add("i32", "I32", "[13]", i32).add("i8", "I8", "[41]", i8)
                .bytes();
    }

    /** Orders floats by their bit patterns, so NaN payloads and -0 compare exactly. */
    static int compareBits(Float a, Float b) {
        return Integer.compare(Float.floatToIntBits(a), Float.floatToIntBits(b));
    }

    /** Boxes floats for AssertJ's element comparators. */
    static Float[] box(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
