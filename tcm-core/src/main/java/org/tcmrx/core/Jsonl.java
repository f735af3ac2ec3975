package org.tcmrx.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.TextLines;

/**
 * JSON Lines (one JSON value per line, UTF-8) through Jackson, with errors that name the file, line and JSON path.
 *
 * <p>Blank lines are skipped. Whole files are written atomically; {@link #append(Path, Object)} adds one complete
 * line with a single write. A writer killed in the middle of that write (or a power cut before the whole line reached
 * the disk) can still leave a torn last line, without its newline: {@link #readAppended} leaves it out,
 * {@link #append} drops it before adding the next line, and {@link #truncateBefore} drops it with the lines a resumed
 * run writes again. A torn line therefore never ends up in the middle of a file.
 */
public final class Jsonl {
    private static final Logger LOG = LoggerFactory.getLogger(Jsonl.class);

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
     * Reads a file written by appending ({@link #append}), such as a training log: as {@link #read}, except that a
     * last line without its newline that is not a valid value (not UTF-8, not JSON, not the type) is left out with a
     * warning, since that is what a writer killed midway leaves. A malformed line anywhere else is still an error.
     *
     * @param file the file
     * @param type the Java type of each line
     * @param <T> the type
     * @return the values of the complete lines in file order
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line other than a torn last one is not valid
     */
    public static <T> List<T> readAppended(Path file, Class<T> type) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int complete = completeLength(bytes);
        String location = file.toString();
        List<T> out = new ArrayList<>(TextLines.parseNonBlank(new ByteArrayInputStream(bytes, 0, complete),
                location, (line, at, n) -> parse(line, type, at, n)));
        T last = tail(bytes, complete, type, location);
        if (last != null) {
            out.add(last);
        }
        return out;
    }

    /**
     * Cuts a file written by appending before its first line whose value {@code stop} accepts, dropping a torn last
     * line too (see {@link #readAppended}): what a run resumed from a checkpoint does to its log, whose later lines
     * it is about to write again. The kept bytes are rewritten atomically; the file is left alone when nothing goes.
     *
     * @param file the file
     * @param type the Java type of each line
     * @param stop selects the first line to drop, asked about the values of the non-blank lines in file order, each
     *     once, until it accepts one; every line after that one goes too
     * @param <T> the type
     * @return how many lines were dropped, a torn last line included
     * @throws IOException when the file cannot be read or written
     * @throws MalformedDataException when a line before the cut, other than a torn last one, is not valid
     */
    public static <T> int truncateBefore(Path file, Class<T> type, Predicate<? super T> stop) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int complete = completeLength(bytes);
        String location = file.toString();
        List<String> lines = new ArrayList<>();
        TextLines.forEach(new ByteArrayInputStream(bytes, 0, complete), location, (n, line) -> lines.add(line));
        int offset = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank() && stop.test(parse(line, type, location, i + 1))) {
                int dropped = lines.size() - i + (complete < bytes.length ? 1 : 0);
                cut(file, bytes, offset);
                return dropped;
            }
            offset = nextLine(bytes, offset);
        }
        if (complete == bytes.length) {
            return 0;
        }
        T last = tail(bytes, complete, type, location);
        if (last != null && !stop.test(last)) {
            return 0;
        }
        cut(file, bytes, complete);
        return 1;
    }

    /** Rewrites a file with its first {@code length} bytes, atomically. */
    private static void cut(Path file, byte[] bytes, int length) throws IOException {
        AtomicFiles.write(file, out -> out.write(bytes, 0, length));
    }

    /** The offset just past the newline that ends the line starting at {@code from}. */
    private static int nextLine(byte[] bytes, int from) {
        int i = from;
        while (bytes[i] != '\n') {
            i++;
        }
        return i + 1;
    }

    /** The length of a file's complete lines: up to and with its last newline. */
    private static int completeLength(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        return end;
    }

    /**
     * Reads what follows a file's last newline: null when nothing, blanks, or a torn line (not a valid value, logged),
     * else its value.
     */
    private static <T> T tail(byte[] bytes, int from, Class<T> type, String location) throws IOException {
        if (from == bytes.length) {
            return null;
        }
        long lineNumber = 1;
        for (int i = 0; i < from; i++) {
            lineNumber += bytes[i] == '\n' ? 1 : 0;
        }
        List<String> text = new ArrayList<>(1);
        try {
            TextLines.forEach(new ByteArrayInputStream(bytes, from, bytes.length - from), location,
                    (n, line) -> text.add(line));
            return text.get(0).isBlank() ? null : parse(text.get(0), type, location, lineNumber);
        } catch (MalformedDataException e) {
            LOG.warn("{}:{}: leaving out a last line of {} bytes without its newline, not a valid value: a write cut "
                    + "short", location, lineNumber, bytes.length - from);
            return null;
        }
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
     * Appends one value as a line with a single write, creating the file when needed. When the file does not end
     * with a newline, its last line is first made whole: a valid value gets its newline, a torn line (what a writer
     * killed midway leaves) is dropped with a warning, so the new line never joins it.
     *
     * @param file the file
     * @param value the value
     * @throws IOException when writing fails
     */
    public static void append(Path file, Object value) throws IOException {
        byte[] line = toLine(value);
        byte[] bytes = line;
        if (lastLineNeedsNewline(file)) {
            bytes = new byte[line.length + 1];
            bytes[0] = '\n';
            System.arraycopy(line, 0, bytes, 1, line.length);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    /**
     * Readies a file's end for a new line: true when it ends with a whole line but no newline; a torn last line is
     * cut off. Reads one byte when the file ends as it should.
     */
    private static boolean lastLineNeedsNewline(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer last = ByteBuffer.allocate(1);
            if (size == 0 || ch.read(last, size - 1) == 1 && last.get(0) == '\n') {
                return false;
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        int complete = completeLength(bytes);
        if (tail(bytes, complete, JsonNode.class, file.toString()) != null) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(complete);
        }
        return false;
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
