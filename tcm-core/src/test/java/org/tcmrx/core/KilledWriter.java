package org.tcmrx.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tcmrx.core.internal.AtomicFiles;

/**
 * The writer the kill test interrupts: forever, it replaces a 1 MiB report atomically with its next version and
 * appends a 256 KiB JSON line to a log. Run as a program on a folder, it goes on from what the folder holds, so a
 * writer started after a kill continues the previous one's sequence.
 */
final class KilledWriter {
    /** The atomically replaced file. */
    static final String REPORT = "report.bin";
    /** The appended log. */
    static final String LOG = "log.jsonl";
    /** The report's size: an 8-byte version, then bytes that depend on it. */
    static final int REPORT_BYTES = 1 << 20;
    private static final int PAD_CHARS = 256 << 10;

    private KilledWriter() {}

    /** The report of a version. */
    static byte[] report(long version) {
        byte[] bytes = new byte[REPORT_BYTES];
        ByteBuffer.wrap(bytes).putLong(version);
        for (int i = Long.BYTES; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + version);
        }
        return bytes;
    }

    /** The version a whole report holds; -1 when the report is not exactly some version's. */
    static long versionOf(byte[] bytes) {
        if (bytes.length != REPORT_BYTES) {
            return -1;
        }
        long version = ByteBuffer.wrap(bytes).getLong();
        for (int i = Long.BYTES; i < bytes.length; i++) {
            if (bytes[i] != (byte) (i * 31 + version)) {
                return -1;
            }
        }
        return version;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Path report = dir.resolve(REPORT);
        Path log = dir.resolve(LOG);
        long version = Files.exists(report) ? versionOf(Files.readAllBytes(report)) + 1 : 0;
        long line = Files.exists(log) ? Jsonl.readAppended(log, Map.class).size() : 0;
        String pad = "x".repeat(PAD_CHARS);
        while (true) {
            byte[] next = report(version++);
            AtomicFiles.write(report, out -> out.write(next));
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("line", line++);
            value.put("pad", pad);
            Jsonl.append(log, value);
        }
    }
}
