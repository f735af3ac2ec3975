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
 * renamed over the target, and the folder is forced to disk too, so readers (and a restart after a crash or a power
 * cut) see either the old file or the complete new one. A process killed midway leaves at most a hidden
 * {@code .<name>…tmp} file beside the target, never a partial target.
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
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Forces a folder's entries (the names a rename or a new file put there) to disk, so that a rename survives a
     * power cut, not only a killed process. Does nothing where the platform cannot open a folder for this (Windows).
     *
     * @param dir the folder
     * @throws IOException when the folder can be opened but not forced
     */
    public static void syncDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            return; // a folder cannot be opened on this platform; its rename is as durable as the OS makes it
        }
        try (channel) {
            channel.force(true);
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
