package org.tcmrx.core;

import org.slf4j.Logger;
import org.tcmrx.core.internal.LoggingProgress;

/**
 * Receives progress of long work (evaluating a split, training epochs). Library code reports through this interface
 * and never prints; command-line programs plug in a console progress bar, embedding applications their own view.
 *
 * <p>Implementations must tolerate {@link #advance(long)} from several threads at once.
 */
public interface Progress {
    /** Ignores all progress. */
    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {}

        @Override
        public void advance(long steps) {}

        @Override
        public void finish() {}
    };

    /**
     * Starts a task.
     *
     * @param task what is being done, e.g. {@code evaluating CoOcc on test}
     * @param total the number of steps, or -1 when unknown
     */
    void start(String task, long total);

    /**
     * Records finished steps.
     *
     * @param steps how many steps finished since the last call
     */
    void advance(long steps);

    /** Ends the task. */
    void finish();

    /**
     * Returns a progress that logs at INFO about every tenth of the task (and at most every few seconds).
     *
     * @param logger the logger
     * @return the progress
     */
    static Progress logging(Logger logger) {
        return new LoggingProgress(logger);
    }
}
