package org.tcmrx.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.tcmrx.core.Progress;

/** A {@link Progress} that logs a line per tenth of the task, never more than once every two seconds. */
public final class LoggingProgress implements Progress {
    private static final long MIN_INTERVAL_NANOS = 2_000_000_000L;

    private final Logger logger;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong();
    private volatile String task = "";
    private volatile long total = -1;
    private volatile long startNanos;

    /**
     * Creates the progress.
     *
     * @param logger where to log
     */
    public LoggingProgress(Logger logger) {
        this.logger = Checks.notNull(logger, "logger");
    }

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.done.set(0);
        this.startNanos = System.nanoTime();
        this.lastLogNanos.set(startNanos);
        logger.info("{}: started ({} steps)", task, total < 0 ? "?" : total);
    }

    @Override
    public void advance(long steps) {
        long now = done.addAndGet(steps);
        long t = System.nanoTime();
        long last = lastLogNanos.get();
        boolean tenth = total > 0 && (now * 10 / total) != ((now - steps) * 10 / total);
        if (tenth && t - last >= MIN_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, t)) {
            logger.info("{}: {}/{}", task, now, total < 0 ? "?" : total);
        }
    }

    @Override
    public void finish() {
        logger.info("{}: done {} steps in {} ms", task, done.get(), (System.nanoTime() - startNanos) / 1_000_000);
    }
}
