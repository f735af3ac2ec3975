package org.tcmrx.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as lower-case hex, for the provenance of data files. */
public final class Sha256 {
    private Sha256() {}

    /**
     * Returns a new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest's Javadoc).
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Finishes a digest and formats it.
     *
     * @param digest a SHA-256 digest that has seen all the bytes
     * @return 64 lower-case hex digits
     */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Hashes a file.
     *
     * @param file the file
     * @return 64 lower-case hex digits
     * @throws IOException when the file cannot be read
     */
    public static String of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return hex(digest);
    }
}
