package org.tcmrx.distill;

/** Hears about each record a {@link DistillRun} finishes, e.g. to show the counts beside a progress bar. */
@FunctionalInterface
public interface DistillListener {
    /** Hears nothing. */
    DistillListener NONE = (result, soFar) -> { };

    /**
     * Called once per record, after its lines are written (never concurrently).
     *
     * @param resultOrNull the record's result, or null when its teacher failed
     * @param soFar the counts so far
     */
    void recordDone(DistillResult resultOrNull, DistillSummary soFar);
}
