package org.tcmrx.examples;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import org.tcmrx.core.Progress;

/**
 * A one-line progress bar on standard error, redrawn at most ten times a second; on a stream that is not a
 * terminal (CI logs) it prints only the final line.
 */
final class ConsoleProgressBar implements Progress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastDraw = new AtomicLong();
    private volatile String task = "";
    private volatile long total;
    private volatile long start;

    ConsoleProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** A bar on standard error, animated only when a console is attached. */
    static ConsoleProgressBar stderr() {
        return new ConsoleProgressBar(System.err, System.console() != null);
    }

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.done.set(0);
        this.start = System.nanoTime();
        this.lastDraw.set(0);
    }

    /** Changes the text before the bar, e.g. to show running counts; the next redraw shows it. */
    void setTask(String task) {
        this.task = task;
    }

    @Override
    public void advance(long steps) {
        long now = done.addAndGet(steps);
        if (!interactive) {
            return;
        }
        long t = System.nanoTime();
        long last = lastDraw.get();
        if (t - last >= REDRAW_NANOS && lastDraw.compareAndSet(last, t)) {
            draw(now, '\r');
        }
    }

    @Override
    public void finish() {
        draw(done.get(), interactive ? '\r' : '\0');
        out.println();
    }

    private synchronized void draw(long now, char prefix) {
        StringBuilder sb = new StringBuilder();
        if (prefix != '\0') {
            sb.append(prefix);
        }
        sb.append(task).append(" [");
        int filled = total > 0 ? (int) Math.min(WIDTH, now * WIDTH / total) : 0;
        sb.append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
        sb.append(now).append('/').append(total < 0 ? "?" : Long.toString(total));
        sb.append(String.format(" %.1fs", (System.nanoTime() - start) / 1e9));
        out.print(sb);
        out.flush();
    }
}
