package org.tcmrx.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Helpers for the data set reader tests: tiny files in a temporary directory, and the real data when present. */
final class ReaderTestFiles {
    /** GBK bytes of 甘草, invalid as UTF-8. */
    static final byte[] GBK_GANCAO = {(byte) 0xB8, (byte) 0xCA, (byte) 0xB2, (byte) 0xDD};

    private ReaderTestFiles() {}

    /** Writes UTF-8 text, creating parent directories; returns the file. */
    static Path write(Path dir, String relative, String text) throws IOException {
        return writeBytes(dir, relative, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes, creating parent directories; returns the file. */
    static Path writeBytes(Path dir, String relative, byte[] bytes) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    /** Concatenates UTF-8 text and raw bytes, for files with a bad byte in the middle. */
    static byte[] concat(String before, byte[] bad, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + bad.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(bad, 0, out, a.length, bad.length);
        System.arraycopy(c, 0, out, a.length + bad.length, c.length);
        return out;
    }

    /** The lower-case hex SHA-256 of a file, computed independently of the code under test. */
    static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /**
     * Returns a directory of the real data ({@code -Dtcmrx.data.dir=/work/shared/data}), skipping the test when the
     * property is empty or absent or the directory is missing.
     */
    static Path realData(String sub) {
        String root = System.getProperty("tcmrx.data.dir", "");
        assumeTrue(!root.isBlank(), "tcmrx.data.dir is not set");
        Path dir = Path.of(root).resolve(sub);
        assumeTrue(Files.isDirectory(dir), dir + " does not exist");
        return dir;
    }
}
