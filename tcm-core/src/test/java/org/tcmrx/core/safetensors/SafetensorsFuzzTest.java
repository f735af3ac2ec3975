package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.core.ParserContract.readOrReject;
import static org.tcmrx.core.ParserContract.write;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz targets of {@link SafetensorsFile#open}: any file opens, or fails with a {@link org.tcmrx.core
 * .MalformedDataException} naming it; a file that opens reads every tensor. Regression inputs:
 * {@code src/test/resources/org/tcmrx/core/safetensors/SafetensorsFuzzTestInputs/<method>/}.
 */
@DisplayName("SafetensorsFile under fuzzing")
class SafetensorsFuzzTest {
    /** Dtype names tried by the structured target: the valid ones and a few that are not. */
    private static final List<String> DTYPES = List.of("BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32",
            "F32", "I64", "U64", "F64", "F8_E4M3", "f32", "", "C64");
    /** Tensor names tried by the structured target, the reserved key among them. */
    private static final List<String> NAMES = List.of("model.embed_tokens.weight", "lm_head.weight", "a", "a", "",
            "__metadata__", "\u9ebb\u9ec4");
    /** The most data bytes a structured file gets, whatever its header claims. */
    private static final int MAX_DATA = 1 << 16;

    @TempDir
    Path dir;

    @FuzzTest
    @DisplayName("raw bytes")
    void raw(byte[] input) throws IOException {
        openAndRead(write(dir, "model.safetensors", input));
    }

    /**
     * Mostly valid files built from the input: up to five tensors laid out contiguously, with now and then a wrong
     * dtype, a huge or negative dimension, offsets moved, a metadata entry that is not a string, a length prefix
     * off by a little or claiming terabytes, and data cut short or too long.
     */
    @FuzzTest
    @DisplayName("headers built to be almost valid")
    void structured(FuzzedDataProvider data) throws IOException {
        StringBuilder header = new StringBuilder("{");
        if (data.consumeBoolean()) {
            header.append("\"__metadata__\":{\"format\":")
                    .append(data.consumeBoolean() ? "\"pt\"" : Long.toString(data.consumeLong())).append("},");
        }
        BigInteger covered = BigInteger.ZERO;
        int tensors = data.consumeInt(0, 5);
        for (int t = 0; t < tensors; t++) {
            String name = data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(8);
            String dtypeName = data.pickValue(DTYPES);
            int size = DTYPES.indexOf(dtypeName) < DType.values().length ? DType.valueOf(dtypeName).byteSize() : 1;
            StringBuilder shape = new StringBuilder("[");
            BigInteger bytes = BigInteger.valueOf(size);
            int rank = data.consumeInt(0, 4);
            for (int d = 0; d < rank; d++) {
                BigInteger dim = switch (data.consumeInt(0, 7)) {
                    case 0 -> BigInteger.valueOf(data.consumeLong());
                    case 1 -> BigInteger.ONE.shiftLeft(data.consumeInt(31, 70));
                    default -> BigInteger.valueOf(data.consumeInt(0, 8));
                };
                shape.append(d == 0 ? "" : ",").append(dim);
                bytes = bytes.multiply(dim);
            }
            shape.append(']');
            BigInteger begin = covered;
            BigInteger end = begin.add(bytes);
            if (data.consumeInt(0, 5) == 0) {
                begin = begin.add(BigInteger.valueOf(data.consumeInt(-16, 16)));
                end = data.consumeBoolean() ? end.add(BigInteger.valueOf(data.consumeInt(-16, 16)))
                        : BigInteger.valueOf(data.consumeLong());
            }
            covered = end.max(covered);
            header.append(t == 0 ? "" : ",").append('"').append(escape(name)).append("\":{\"dtype\":\"")
                    .append(escape(dtypeName)).append("\",\"shape\":").append(shape).append(",\"data_offsets\":[")
                    .append(begin).append(',').append(end).append("]}");
        }
        header.append('}');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        long dataLength = covered.signum() < 0 || covered.compareTo(BigInteger.valueOf(MAX_DATA)) > 0
                ? data.consumeInt(0, 64) : covered.longValue();
        dataLength = Math.max(0, dataLength + (data.consumeInt(0, 5) == 0 ? data.consumeInt(-8, 8) : 0));
        long prefix = switch (data.consumeInt(0, 9)) {
            case 0 -> data.consumeLong();
            case 1 -> 1L << data.consumeInt(30, 62); // gigabytes to exabytes
            case 2 -> headerBytes.length + data.consumeInt(-4, 4);
            default -> headerBytes.length;
        };
        byte[] bytes = data.consumeBytes((int) dataLength);
        ByteBuffer file = ByteBuffer.allocate(8 + headerBytes.length + (int) dataLength).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(prefix).put(headerBytes).put(bytes);
        openAndRead(write(dir, "model.safetensors", file.array()));
    }

    /** Opens a file and, when it opens, reads every tensor as its dtype allows. */
    private static void openAndRead(Path file) throws IOException {
        try (SafetensorsFile opened = readOrReject(file.toString(), () -> SafetensorsFile.open(file))) {
            if (opened == null) {
                return;
            }
            for (String name : opened.names()) {
                TensorInfo info = opened.info(name);
                assertThat(opened.bytes(name).remaining()).isEqualTo(info.end() - info.begin());
                if (info.dtype().isFloat()) {
                    assertThat(opened.floats(name)).hasSize((int) info.elementCount());
                    opened.readFloat16(name, 0, ShortBuffer.allocate((int) info.elementCount()));
                    opened.readFloats(name, 0, FloatBuffer.allocate((int) info.elementCount()));
                } else if (info.dtype().isLongCompatible()) {
                    assertThat(opened.longs(name)).hasSize((int) info.elementCount());
                }
            }
        }
    }

    /** The text of a JSON string without its quotes. */
    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
