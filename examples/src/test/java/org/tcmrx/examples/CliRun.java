package org.tcmrx.examples;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the {@code tcm} command line in this JVM, for tests.
 *
 * @param code the exit code
 * @param out what went to standard output
 * @param err what went to standard error
 */
record CliRun(int code, String out, String err) {
    /**
     * Runs {@code tcm} with the arguments, capturing both streams.
     *
     * @param args the arguments
     * @return the exit code and the output
     */
    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TcmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
