package org.tcmrx.distill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads an API key from a file that only its owner may read, as {@code ssh} treats private keys: the other way, besides
 * an environment variable, that TCM-Rx accepts a key. The key never appears in a message of this class.
 *
 * <p>On a file system with POSIX permissions the file must grant nothing to its group or to others (say
 * {@code chmod 600 FILE}); elsewhere the permission check is skipped. The key is the file's first non-blank line,
 * stripped.
 */
public final class ApiKeyFile {
    /** The permissions a key file must not have. */
    private static final Set<PosixFilePermission> SHARED = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private ApiKeyFile() {}

    /**
     * Reads the key.
     *
     * @param file the key file
     * @return the key
     * @throws IllegalArgumentException when the file is null, not a regular file, readable or writable by others than
     *     its owner, or holds no key; the message names the file, never the key
     * @throws IOException when the file cannot be read
     */
    public static String read(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("apiKeyFile must not be null");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("apiKeyFile: " + file + " is not a file");
        }
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            if (permissions.stream().anyMatch(SHARED::contains)) {
                throw new IllegalArgumentException("apiKeyFile: " + file + " has permissions "
                        + PosixFilePermissions.toString(permissions) + "; a key file must be readable by its owner "
                        + "only (chmod 600 " + file + ")");
            }
        }
        for (String line : Files.readString(file, StandardCharsets.UTF_8).lines().toList()) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        throw new IllegalArgumentException("apiKeyFile: " + file + " holds no key");
    }
}
