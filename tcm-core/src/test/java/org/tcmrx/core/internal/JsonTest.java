package org.tcmrx.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;

@DisplayName("Json")
class JsonTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("config.json"), bytes);
    }

    @Nested
    @DisplayName("readObject")
    class ReadObject {
        @Test
        @DisplayName("reads the object of a file, in UTF-8 or, as its first bytes say, UTF-16")
        void reads() throws IOException {
            assertThat(Json.readObject(write("{\"r\": 8}".getBytes(StandardCharsets.UTF_8))).get("r").asInt())
                    .isEqualTo(8);
            assertThat(Json.readObject(write("{\"r\": 8}".getBytes(StandardCharsets.UTF_16))).get("r").asInt())
                    .isEqualTo(8);
        }

        @Test
        @DisplayName("a syntax error names the file and the line")
        void syntax() throws IOException {
            Path file = write("{\n\"r\": 8,".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> Json.readObject(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(file + ":2: not valid JSON: ");
        }

        @Test
        @DisplayName("JSON that is not an object")
        void notObject() throws IOException {
            Path file = write("[1]".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> Json.readObject(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ": expected a JSON object");
        }

        @Test
        @DisplayName("bytes that look like UTF-32 but end mid-character: located, not an I/O error")
        void brokenUtf32() throws IOException {
            Path file = write(new byte[] {'{', 0, 0, 0, '}'});
            assertThatThrownBy(() -> Json.readObject(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ": not valid JSON: Unexpected EOF in the middle of a 4-byte UTF-32 char: got 1, "
                            + "needed 4, at char #1, byte #5)")
                    .hasCauseInstanceOf(CharConversionException.class);
            Path swapped = write(new byte[] {0, 0, ' ', 0, '\t', 'a'});
            assertThatThrownBy(() -> Json.readObject(swapped)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(swapped + ": not valid JSON: Unsupported UCS-4 endianness (2143) detected");
        }
    }
}
