package org.tcmrx.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.TextLines;

/**
 * JSON Lines (one JSON value per line, UTF-8) through Jackson, with errors that name the file, line and JSON path.
 *
 * <p>Blank lines are skipped. Whole files are written atomically; {@link #append(Path, Object)} adds one complete
 * line with a single write, so a crash never leaves half a record.
 */
public final class Jsonl {
    private Jsonl() {}

    /** Receives one decoded value. */
    @FunctionalInterface
    public interface ValueHandler<T> {
        /**
         * Handles a value.
         *
         * @param lineNumber the 1-based line it came from
         * @param value the value
         * @throws IOException to abort reading
         */
        void accept(long lineNumber, T value) throws IOException;
    }

    /**
     * Reads every line of a file as a value of a type.
     *
     * @param file the file
     * @param type the Java type of each line (a record, a map, ...)
     * @param <T> the type
     * @return the values in file order
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not valid UTF-8 or not a valid value; the message gives
     *     {@code file:line: path: problem}
     */
    public static <T> List<T> read(Path file, Class<T> type) throws IOException {
        List<T> out = new ArrayList<>();
        forEach(file, type, (line, value) -> out.add(value));
        return out;
    }

    /**
     * Streams the values of a file.
     *
     * @param file the file
     * @param type the Java type of each line
     * @param handler receives each value
     * @param <T> the type
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not valid
     */
    public static <T> void forEach(Path file, Class<T> type, ValueHandler<T> handler) throws IOException {
        String location = file.toString();
        TextLines.forEach(file, (lineNumber, line) -> {
            if (!line.isBlank()) {
                handler.accept(lineNumber, parse(line, type, location, lineNumber));
            }
        });
    }

    /**
     * Streams the values of a stream (e.g. a class-path resource).
     *
     * @param stream the stream, not closed here
     * @param location the name used in messages
     * @param type the Java type of each line
     * @param handler receives each value
     * @param <T> the type
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException when a line is not valid
     */
    public static <T> void forEach(InputStream stream, String location, Class<T> type, ValueHandler<T> handler)
            throws IOException {
        TextLines.forEach(stream, location, (lineNumber, line) -> {
            if (!line.isBlank()) {
                handler.accept(lineNumber, parse(line, type, location, lineNumber));
            }
        });
    }

    /**
     * Parses one line.
     *
     * @param line the JSON text
     * @param type the Java type
     * @param location the file name for messages
     * @param lineNumber the line number for messages
     * @param <T> the type
     * @return the value
     * @throws MalformedDataException when the text is not a valid value
     */
    public static <T> T parse(String line, Class<T> type, String location, long lineNumber) {
        try {
            return Json.MAPPER.readValue(line, type);
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(location, lineNumber, Json.path(e), e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes values as JSON Lines, atomically (the old file stays whole if anything fails).
     *
     * @param file the file
     * @param values the values
     * @throws IOException when writing fails
     */
    public static void write(Path file, Iterable<?> values) throws IOException {
        AtomicFiles.write(file, out -> {
            for (Object v : values) {
                out.write(toLine(v));
            }
        });
    }

    /**
     * Appends one value as a line with a single write, creating the file when needed.
     *
     * @param file the file
     * @param value the value
     * @throws IOException when writing fails
     */
    public static void append(Path file, Object value) throws IOException {
        byte[] bytes = toLine(value);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    /**
     * Serializes a value to one JSON line, with the trailing newline.
     *
     * @param value the value
     * @return UTF-8 bytes
     * @throws IOException when the value cannot be serialized
     */
    public static byte[] toLine(Object value) throws IOException {
        String json = Json.MAPPER.writeValueAsString(value);
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
