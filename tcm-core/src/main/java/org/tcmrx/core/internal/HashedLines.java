package org.tcmrx.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import org.tcmrx.core.MalformedDataException;

/**
 * Reads a UTF-8 text file line by line, as {@link TextLines} does, and hashes its bytes on the way, so a data file is
 * read once for both its records and its provenance.
 */
public final class HashedLines {
    private HashedLines() {}

    /**
     * Reads every line of a file and returns the file's SHA-256.
     *
     * @param file the file
     * @param handler receives each line; messages about the file use {@code file.toString()}
     * @return the file's SHA-256 as 64 lower-case hex digits
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not valid UTF-8, or the handler rejects one
     */
    public static String forEach(Path file, TextLines.LineHandler handler) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            // TextLines reads to the end of the stream, so the digest covers every byte.
            TextLines.forEach(in, file.toString(), handler);
        }
        return Sha256.hex(digest);
    }
}
