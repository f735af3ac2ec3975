package org.tcmrx.core.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files atomically: the content goes to a temporary file in the same folder, is forced to disk, and is then
 * renamed over the target, so readers see either the old file or the complete new one.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the content.
         *
         * @param out the stream
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes a file atomically.
     *
     * @param target the file to create or replace
     * @param writer writes the content
     * @throws IOException when writing or renaming fails; the target is then unchanged
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes a UTF-8 string atomically.
     *
     * @param target the file
     * @param text the content
     * @throws IOException on failure
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
