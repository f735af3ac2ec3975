package org.tcmrx.examples;

import org.tcmrx.core.TcmRxVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tcm} command line. Every stage of TCM-Rx adds a subcommand here; run {@code tcm help} for the list.
 *
 * <p>Exit codes: 0 success, 1 a run-time failure (bad data, I/O), 2 a usage error.
 */
@Command(
        name = "tcm",
        mixinStandardHelpOptions = true,
        versionProvider = TcmCli.Version.class,
        description = "Explainable Traditional Chinese Medicine prescription recommendation.",
        subcommands = {EvalCommand.class, BartCommand.class, DistillCommand.class, LoraBenchCommand.class,
            PipelineCommand.class, RecommendCommand.class, SoakCommand.class, CommandLine.HelpCommand.class})
public final class TcmCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with the given output streams, without exiting.
     *
     * @param out where results go
     * @param err where usage errors and failures go
     * @param args the arguments
     * @return the exit code
     */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        // libtorch comes from the native jar on the class path; never download it.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        return new CommandLine(new TcmCli())
                .registerConverter(DataFormat.class, DataFormat::parse)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(new Failures())
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Reports the library version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tcm " + TcmRxVersion.VERSION};
        }
    }

    /** Prints a run-time failure as one clear line (the message says where) instead of a stack trace. */
    static final class Failures implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("tcm: " + e.getMessage());
                return 2;
            }
            cmd.getErr().println("tcm: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }
}
