package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.f32;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.file;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.prefixed;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.zeros;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;

@DisplayName("SafetensorsFile rejects malformed files")
class SafetensorsMalformedTest {
    @TempDir
    Path dir;

    private Path target() {
        return dir.resolve("m.safetensors");
    }

    /** Writes the bytes and asserts that opening fails with the message {@code <file>: <field>: <problem>}. */
    private AbstractThrowableAssert<?, ?> assertRejected(byte[] bytes, String field, String problem)
            throws IOException {
        Files.write(target(), bytes);
        return assertThatThrownBy(() -> SafetensorsFile.open(target()))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(target() + ": " + field + ": " + problem)
                .satisfies(e -> {
                    MalformedDataException m = (MalformedDataException) e;
                    assertThat(m.location()).isEqualTo(target().toString());
                    assertThat(m.line()).isZero();
                    assertThat(m.field()).isEqualTo(field);
                    assertThat(m.problem()).isEqualTo(problem);
                });
    }

    /** A header with one tensor entry {@code "a": <entry>} and the given data. */
    private static byte[] oneTensor(String entry, byte[] data) {
        return file("{\"a\":" + entry + "}", data);
    }

    @Nested
    @DisplayName("the length prefix")
    class LengthPrefix {
        @Test
        @DisplayName("a file shorter than 8 bytes")
        void tooShort() throws IOException {
            assertRejected(new byte[] {2, 0, 0, 0, 0}, "header",
                    "the file has 5 bytes; expected at least 8 (the header length)");
        }

        @Test
        @DisplayName("an empty file")
        void empty() throws IOException {
            assertRejected(new byte[0], "header", "the file has 0 bytes; expected at least 8 (the header length)");
        }

        @Test
        @DisplayName("a header length of 0")
        void zero() throws IOException {
            assertRejected(prefixed(0, zeros(8)), "header", "header claims 0 bytes; expected a JSON object");
        }

        @Test
        @DisplayName("a header longer than the file")
        void longerThanFile() throws IOException {
            assertRejected(prefixed(1L << 40, zeros(64)), "header",
                    "header claims 1099511627776 bytes; the file has 64 after the length prefix");
        }

        @Test
        @DisplayName("a header length with the top bit set is read unsigned")
        void unsigned() throws IOException {
            assertRejected(prefixed(-1L, zeros(16)), "header",
                    "header claims 18446744073709551615 bytes; the file has 16 after the length prefix");
        }

        @Test
        @DisplayName("a header beyond the reference implementation's 100,000,000-byte limit, in a big enough file")
        void beyondLimit() throws IOException {
            Files.write(target(), prefixed(100_000_001L, new byte[0]));
            try (RandomAccessFile raf = new RandomAccessFile(target().toFile(), "rw")) {
                raf.setLength(8 + 100_000_008L); // sparse: nothing is written
            }
            assertThatThrownBy(() -> SafetensorsFile.open(target()))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(target() + ": header: header claims 100000001 bytes; the limit is 100000000, as in the"
                            + " reference implementation");
        }
    }

    @Nested
    @DisplayName("the header's text")
    class HeaderText {
        @Test
        @DisplayName("not UTF-8: the offset of the bad byte")
        void notUtf8() throws IOException {
            byte[] header = {'{', '"', 'a', (byte) 0xFF, '"', ':', '1', '}'};
            assertRejected(file(header, new byte[0]), "header", "not valid UTF-8 at byte 3 of the header");
        }

        @Test
        @DisplayName("not JSON: Jackson's description")
        void notJson() throws IOException {
            assertRejected(file("{\"a\" 1}", new byte[0]), "header",
                    "not valid JSON: Unexpected character ('1' (code 49)): was expecting a colon to separate field"
                            + " name and value");
        }

        @Test
        @DisplayName("truncated JSON")
        void truncated() throws IOException {
            assertRejected(file("{\"a\":", new byte[0]), "header",
                    "not valid JSON: Unexpected end-of-input within/between Object entries");
        }

        @Test
        @DisplayName("an array instead of an object")
        void array() throws IOException {
            assertRejected(file("[1, 2]  ", new byte[0]), "header", "expected a JSON object, found an array");
        }

        @Test
        @DisplayName("only spaces")
        void blank() throws IOException {
            assertRejected(file("        ", new byte[0]), "header", "expected a JSON object, found nothing");
        }

        @Test
        @DisplayName("a second value after the object")
        void trailing() throws IOException {
            assertRejected(file("{}{}    ", new byte[0]), "header", "text after the JSON object, at column 3");
        }

        @Test
        @DisplayName("a tensor named twice")
        void duplicate() throws IOException {
            String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
            assertRejected(file("{\"a\":" + entry + ",\"a\":" + entry + "}", f32(1)), "a",
                    "appears twice in the header");
        }

        @Test
        @DisplayName("metadata that is not an object")
        void metadataNotObject() throws IOException {
            assertRejected(file("{\"__metadata__\":[\"pt\"]}", new byte[0]), "__metadata__",
                    "expected an object of strings, found [\"pt\"]");
        }

        @Test
        @DisplayName("a metadata value that is not a string")
        void metadataNotString() throws IOException {
            assertRejected(file("{\"__metadata__\":{\"format\":\"pt\",\"total_size\":5}}", new byte[0]),
                    "__metadata__", "\"total_size\" is 5; expected a string");
        }
    }

    @Nested
    @DisplayName("a tensor entry")
    class Entries {
        @Test
        @DisplayName("not an object")
        void notObject() throws IOException {
            assertRejected(oneTensor("5", new byte[0]), "a",
                    "expected an object with dtype, shape and data_offsets, found 5");
        }

        @Test
        @DisplayName("without dtype")
        void noDtype() throws IOException {
            assertRejected(oneTensor("{\"shape\":[1],\"data_offsets\":[0,4]}", f32(1)), "a", "missing \"dtype\"");
        }

        @Test
        @DisplayName("without shape")
        void noShape() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", f32(1)), "a",
                    "missing \"shape\"");
        }

        @Test
        @DisplayName("without data_offsets")
        void noOffsets() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1]}", f32(1)), "a", "missing \"data_offsets\"");
        }

        @Test
        @DisplayName("a dtype that is not a string")
        void dtypeType() throws IOException {
            assertRejected(oneTensor("{\"dtype\":5,\"shape\":[1],\"data_offsets\":[0,4]}", f32(1)), "a",
                    "\"dtype\" is 5; expected a string");
        }

        @Test
        @DisplayName("an unknown dtype, listing the valid ones")
        void unknownDtype() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}", f32(1)), "a",
                    "unknown dtype \"F8_E4M3\"; expected one of BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32,"
                            + " I64, U64, F64");
        }

        @Test
        @DisplayName("a dtype in the wrong case")
        void lowerCaseDtype() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}", f32(1)), "a",
                    "unknown dtype \"f32\"; expected one of BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32,"
                            + " I64, U64, F64");
        }

        @Test
        @DisplayName("a shape that is not an array")
        void shapeType() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}", f32(1)), "a",
                    "\"shape\" is \"1\"; expected an array of integers");
        }

        @Test
        @DisplayName("a negative dimension")
        void negativeDimension() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,4]}", f32(1)), "a",
                    "\"shape\"[1] is -3; expected an integer from 0 to 2^63-1");
        }

        @Test
        @DisplayName("a fractional dimension")
        void fractionalDimension() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}", f32(1)), "a",
                    "\"shape\"[0] is 1.5; expected an integer from 0 to 2^63-1");
        }

        @Test
        @DisplayName("a dimension beyond a long")
        void hugeDimension() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[0,4]}",
                    f32(1)), "a", "\"shape\"[0] is 18446744073709551616; expected an integer from 0 to 2^63-1");
        }

        @Test
        @DisplayName("data_offsets that are not a pair")
        void offsetsNotPair() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}", f32(1)), "a",
                    "\"data_offsets\" is [0]; expected [begin, end]");
        }

        @Test
        @DisplayName("data_offsets that are not an array")
        void offsetsType() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"begin\":0}}", f32(1)),
                    "a", "\"data_offsets\" is {\"begin\":0}; expected [begin, end]");
        }

        @Test
        @DisplayName("a negative offset")
        void negativeOffset() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}", f32(1)), "a",
                    "\"data_offsets\"[0] is -4; expected an integer from 0 to 2^63-1");
        }
    }

    @Nested
    @DisplayName("data offsets and sizes")
    class Offsets {
        @Test
        @DisplayName("end before begin")
        void endBeforeBegin() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}", zeros(8)), "a",
                    "data_offsets [8, 4] end before they begin");
        }

        @Test
        @DisplayName("past the end of the data buffer")
        void pastEnd() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}", zeros(8)), "a",
                    "data_offsets [0, 16] go past the end of the data buffer (8 bytes)");
        }

        @Test
        @DisplayName("overlapping another tensor")
        void overlap() throws IOException {
            assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", zeros(12)), "b",
                    "data_offsets [4, 12] overlap tensor 'a' at [0, 8]");
        }

        @Test
        @DisplayName("an empty tensor inside another, which the reference implementation rejects too")
        void emptyInside() throws IOException {
            assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", zeros(8)), "b",
                    "data_offsets [4, 4] overlap tensor 'a' at [0, 8]");
        }

        @Test
        @DisplayName("a gap between two tensors")
        void gap() throws IOException {
            assertRejected(file("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                    + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", zeros(12)), "b",
                    "data_offsets [8, 12] leave bytes [4, 8) of the data buffer unused; tensors must cover it"
                            + " contiguously");
        }

        @Test
        @DisplayName("a gap at the start of the data buffer")
        void gapAtStart() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}", zeros(8)), "a",
                    "data_offsets [4, 8] leave bytes [0, 4) of the data buffer unused; tensors must cover it"
                            + " contiguously");
        }

        @Test
        @DisplayName("bytes after the last tensor")
        void trailingBytes() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", zeros(8)), "header",
                    "bytes [4, 8) of the data buffer belong to no tensor; tensors must cover it contiguously");
        }

        @Test
        @DisplayName("data but no tensor")
        void dataWithoutTensors() throws IOException {
            assertRejected(file("{}", zeros(4)), "header",
                    "bytes [0, 4) of the data buffer belong to no tensor; tensors must cover it contiguously");
        }

        @Test
        @DisplayName("a byte count that is not product(shape) times the dtype's size")
        void byteCount() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}", zeros(20)), "a",
                    "F32 [2, 3] takes 24 bytes, but data_offsets [0, 20] hold 20");
        }

        @Test
        @DisplayName("a shape whose element count overflows a long")
        void elementOverflow() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}",
                    new byte[0]), "a", "shape [4294967296, 4294967296] has more elements than a long can count");
        }

        @Test
        @DisplayName("a shape whose byte count overflows a long")
        void byteOverflow() throws IOException {
            assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}",
                    new byte[0]), "a", "F32 [4611686018427387904] takes more bytes than a long can count");
        }
    }

    @Test
    @DisplayName("a file that does not exist is an I/O error, not bad data")
    void missing() {
        assertThatThrownBy(() -> SafetensorsFile.open(dir.resolve("none.safetensors")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    @DisplayName("the JSON text is checked only within the claimed length: what follows is data")
    void headerLengthBoundsTheJson() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        Files.write(target(), file(header, "{\"x\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> SafetensorsFile.open(target()))
                .hasMessage(target() + ": header: bytes [0, 7) of the data buffer belong to no tensor; tensors must"
                        + " cover it contiguously");
    }
}
