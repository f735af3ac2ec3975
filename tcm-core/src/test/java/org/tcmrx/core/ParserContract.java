package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The contract every fuzz target checks: for any input, a parser returns normally or throws a
 * {@link MalformedDataException} that says where the problem is. Anything else escapes the target and is a finding:
 * an unchecked exception other than that one, an error, and also an {@link IOException}, because the targets read
 * temporary files that are always readable, so an {@code IOException} could only be a parser's own (Jackson's
 * {@code JsonProcessingException} is one) leaking without a location.
 */
public final class ParserContract {
    /** The byte between the files of a multi-file input: never part of valid UTF-8, so no text needs it. */
    public static final byte FILE_SEPARATOR = (byte) 0xFF;

    private ParserContract() {}

    /**
     * One parser call on fuzzed input.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Read<T> {
        /**
         * Calls the parser.
         *
         * @return what it read
         * @throws IOException when reading fails
         */
        T read() throws IOException;
    }

    /**
     * A parser of one file.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface FileRead<T> {
        /**
         * Reads the file.
         *
         * @param file the file
         * @return what it read
         * @throws IOException when reading fails
         */
        T read(Path file) throws IOException;
    }

    /**
     * Writes fuzzed bytes to a file and reads it, accepting a {@link MalformedDataException} located at the file.
     *
     * @param dir the folder
     * @param name the file's name in it, as the parser expects it
     * @param input the bytes
     * @param read the parser
     * @param <T> what it returns
     * @return what it read, or null when it rejected the file with a located error
     * @throws IOException when the parser throws one, which the targets report as a finding
     */
    public static <T> T readFileOrReject(Path dir, String name, byte[] input, FileRead<T> read) throws IOException {
        Path file = write(dir, name, input);
        return readOrReject(file.toString(), () -> read.read(file));
    }

    /**
     * A parser of a stream.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface StreamRead<T> {
        /**
         * Reads the stream.
         *
         * @param in the stream
         * @param location the name used in messages
         * @return what it read
         * @throws IOException when reading fails
         */
        T read(InputStream in, String location) throws IOException;
    }

    /**
     * Reads fuzzed bytes as a file and as a stream named after the file: both readers must return the same, or both
     * reject the input with a located error.
     *
     * @param dir the folder
     * @param name the file's name in it
     * @param input the bytes
     * @param file the file reader
     * @param stream the stream reader
     * @param <T> what they return
     * @return what the file reader read, or null when both rejected the input
     * @throws IOException when a reader throws one, which the targets report as a finding
     */
    public static <T> T readFileAndStream(Path dir, String name, byte[] input, FileRead<T> file,
            StreamRead<T> stream) throws IOException {
        T fromFile = readFileOrReject(dir, name, input, file);
        String location = dir.resolve(name).toString();
        T fromStream = readOrReject(location, () -> stream.read(new ByteArrayInputStream(input), location));
        assertThat(fromStream).isEqualTo(fromFile);
        return fromFile;
    }

    /**
     * Runs a parser call, accepting a {@link MalformedDataException} located at {@code location}.
     *
     * @param location the file or resource name the parser was given: an error's message must start with it
     * @param read the call
     * @param <T> what it returns
     * @return what it read, or null when it rejected the input with a located error
     * @throws IOException when the call throws one, which the targets report as a finding
     * @throws AssertionError when the error's location is not {@code location}
     */
    public static <T> T readOrReject(String location, Read<T> read) throws IOException {
        try {
            return read.read();
        } catch (MalformedDataException e) {
            assertLocated(e, location);
            return null;
        }
    }

    /**
     * Checks that an error names the location it was given and a valid line.
     *
     * @param e the error
     * @param location the file or resource name
     */
    public static void assertLocated(MalformedDataException e, String location) {
        assertThat(e.location()).as("location of: %s", e.getMessage()).isEqualTo(location);
        assertThat(e.getMessage()).startsWith(location + ":");
        assertThat(e.line()).as("line of: %s", e.getMessage()).isNotNegative();
        assertThat(e.problem()).as("problem of: %s", e.getMessage()).isNotBlank();
    }

    /**
     * Writes bytes to a file, creating its folder.
     *
     * @param dir the folder
     * @param relative the file's name in it
     * @param bytes the content
     * @return the file
     * @throws IOException when writing fails
     */
    public static Path write(Path dir, String relative, byte[] bytes) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    /**
     * Writes the parts of a multi-file input, split at {@link #FILE_SEPARATOR}, to the files named, in order; files
     * without a part are written empty (a missing file is an {@code IOException} by design, not worth fuzzing).
     *
     * @param dir the folder
     * @param input the fuzzed bytes
     * @param names the files' names in that folder
     * @throws IOException when writing fails
     */
    public static void writeParts(Path dir, byte[] input, List<String> names) throws IOException {
        List<byte[]> parts = split(input, names.size());
        for (int i = 0; i < names.size(); i++) {
            write(dir, names.get(i), i < parts.size() ? parts.get(i) : new byte[0]);
        }
    }

    /**
     * Splits an input at {@link #FILE_SEPARATOR} into at most {@code max} parts; the last part keeps any further
     * separators.
     *
     * @param input the bytes
     * @param max the most parts
     * @return the parts, at least one
     */
    static List<byte[]> split(byte[] input, int max) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < input.length && parts.size() < max - 1; i++) {
            if (input[i] == FILE_SEPARATOR) {
                parts.add(Arrays.copyOfRange(input, start, i));
                start = i + 1;
            }
        }
        parts.add(Arrays.copyOfRange(input, start, input.length));
        return parts;
    }

    /**
     * Joins UTF-8 texts into a multi-file input, the inverse of {@link #writeParts}; for unit tests that replay a
     * finding.
     *
     * @param files the files' contents, in order
     * @return the bytes
     */
    public static byte[] parts(String... files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < files.length; i++) {
            if (i > 0) {
                out.write(FILE_SEPARATOR);
            }
            out.writeBytes(files[i].getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
