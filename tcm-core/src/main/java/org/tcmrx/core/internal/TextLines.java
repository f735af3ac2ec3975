package org.tcmrx.core.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.MalformedDataException;

/**
 * Reads UTF-8 text line by line with strict decoding, so a bad byte is reported with its file and line instead of
 * turning into U+FFFD. Accepts {@code \n} and {@code \r\n} line ends and a leading byte-order mark.
 */
public final class TextLines {
    private TextLines() {}

    /** Receives one decoded line. */
    @FunctionalInterface
    public interface LineHandler {
        /**
         * Handles a line.
         *
         * @param lineNumber the 1-based line number
         * @param line the line without its line end
         * @throws IOException to abort reading
         */
        void accept(long lineNumber, String line) throws IOException;
    }

    /**
     * Turns one line into a value.
     *
     * @param <T> the value's type
     */
    @FunctionalInterface
    public interface LineParser<T> {
        /**
         * Parses a line.
         *
         * @param line the line without its line end
         * @param location the file or resource name, for messages
         * @param lineNumber the 1-based line number, for messages
         * @return the value
         * @throws MalformedDataException when the line is not a valid value
         */
        T parse(String line, String location, long lineNumber);
    }

    /**
     * Reads every line of a file.
     *
     * @param file the file
     * @param handler receives each line
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not valid UTF-8
     */
    public static void forEach(Path file, LineHandler handler) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            forEach(in, file.toString(), handler);
        }
    }

    /**
     * Reads every line of a stream.
     *
     * @param stream the stream, not closed here
     * @param location the name used in messages
     * @param handler receives each line
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException when a line is not valid UTF-8
     */
    public static void forEach(InputStream stream, String location, LineHandler handler) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        InputStream in = new BufferedInputStream(stream, 1 << 16);
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        long lineNumber = 0;
        int b;
        boolean pending = false;
        while ((b = in.read()) != -1) {
            pending = true;
            if (b == '\n') {
                lineNumber++;
                handler.accept(lineNumber, decode(buf, decoder, location, lineNumber));
                buf.reset();
                pending = false;
            } else {
                buf.write(b);
            }
        }
        if (pending) {
            lineNumber++;
            handler.accept(lineNumber, decode(buf, decoder, location, lineNumber));
        }
    }

    /**
     * Parses every line of a file that is not blank, the usual reading of a JSON Lines file.
     *
     * @param file the file; its path is the location given to the parser
     * @param parser turns a line into a value
     * @param <T> the values' type
     * @return the values in file order
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not valid UTF-8, or the parser rejects it
     */
    public static <T> List<T> parseNonBlank(Path file, LineParser<T> parser) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parseNonBlank(in, file.toString(), parser);
        }
    }

    /**
     * Parses every line of a stream that is not blank.
     *
     * @param stream the stream, not closed here
     * @param location the name used in messages
     * @param parser turns a line into a value
     * @param <T> the values' type
     * @return the values in stream order
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException when a line is not valid UTF-8, or the parser rejects it
     */
    public static <T> List<T> parseNonBlank(InputStream stream, String location, LineParser<T> parser)
            throws IOException {
        List<T> values = new ArrayList<>();
        forEach(stream, location, (n, line) -> {
            if (!line.isBlank()) {
                values.add(parser.parse(line, location, n));
            }
        });
        return values;
    }

    private static String decode(ByteArrayOutputStream buf, CharsetDecoder decoder, String location,
            long lineNumber) {
        byte[] bytes = buf.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        int start = 0;
        if (lineNumber == 1 && length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        try {
            return decoder.reset().decode(ByteBuffer.wrap(bytes, start, length - start)).toString();
        } catch (CharacterCodingException e) {
            int offset = firstBadByte(bytes, start, length);
            throw new MalformedDataException(location, lineNumber, null, String.format(
                    "not valid UTF-8: byte 0x%02X at byte %d of the line (is the file in GBK or another encoding?)",
                    bytes[offset] & 0xFF, offset - start + 1));
        }
    }

    /** Finds the first byte that starts an invalid UTF-8 sequence, for the message. */
    private static int firstBadByte(byte[] bytes, int start, int end) {
        CharsetDecoder probe = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int i = start; i < end; i++) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                continue;
            }
            int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            try {
                if (len == 1 || i + len > end) {
                    return i;
                }
                probe.reset().decode(ByteBuffer.wrap(bytes, i, len));
                i += len - 1;
            } catch (CharacterCodingException e) {
                return i;
            }
        }
        return start;
    }
}
