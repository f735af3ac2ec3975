package org.tcmrx.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second JVM on this one's class path running a main class, for the experiments that kill a training process and
 * resume its run. {@link #kill()} is {@link Process#destroyForcibly()}: {@code SIGKILL} on Linux and macOS, the
 * {@code kill -9} no process can catch, which the exit status 137 (128 + 9) confirms.
 */
final class ChildJvm implements AutoCloseable {
    /** The exit status of a process killed by {@code SIGKILL}. */
    static final int KILLED = 128 + 9;

    private final Process process;

    private ChildJvm(Process process) {
        this.process = process;
    }

    /**
     * Starts a main class.
     *
     * @param main the class
     * @param log where its standard output and error go, appended
     * @param args its arguments
     * @return the running JVM
     * @throws IOException when the process cannot start
     */
    static ChildJvm start(Class<?> main, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The engine must never reach for the network, in the child as in the tests.
        command.add("-Dai.djl.offline=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
    }

    /**
     * Says whether the JVM still runs.
     *
     * @return true while it runs
     */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills the JVM with {@code SIGKILL} and waits for it.
     *
     * @return its exit status, {@value #KILLED} when the signal killed it
     * @throws InterruptedException when interrupted while waiting
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** Kills the JVM if it still runs, without waiting for it. */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
