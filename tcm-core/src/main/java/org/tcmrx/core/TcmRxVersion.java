package org.tcmrx.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of the TCM-Rx library on the class path. */
public final class TcmRxVersion {
    /** The version, e.g. {@code 0.1.0}, as built by Maven. */
    public static final String VERSION = load();

    private TcmRxVersion() {}

    private static String load() {
        try (InputStream in = TcmRxVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
