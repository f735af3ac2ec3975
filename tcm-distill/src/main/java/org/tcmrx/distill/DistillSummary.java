package org.tcmrx.distill;

import java.time.Duration;

/**
 * The counts of a distillation run, so far or at its end.
 *
 * @param records the records given to the run
 * @param skipped records already done by an earlier run, not asked again
 * @param accepted records accepted by this run
 * @param rejected records rejected by this run
 * @param failed records whose teacher could not be reached; not written, so the next run tries them again
 * @param retried requests sent again after transient failures
 * @param reAsked records that needed more than one answer
 * @param usage tokens spent by this run
 * @param elapsed wall-clock time of this run
 */
public record DistillSummary(long records, long skipped, long accepted, long rejected, long failed, long retried,
        long reAsked, TokenUsage usage, Duration elapsed) {
    /**
     * Validates the summary.
     *
     * @param records the records
     * @param skipped the skipped
     * @param accepted the accepted
     * @param rejected the rejected
     * @param failed the failed
     * @param retried the retried requests
     * @param reAsked the re-asked records
     * @param usage the tokens
     * @param elapsed the time
     * @throws IllegalArgumentException when a count is negative or a value is missing
     */
    public DistillSummary {
        if (records < 0 || skipped < 0 || accepted < 0 || rejected < 0 || failed < 0 || retried < 0 || reAsked < 0) {
            throw new IllegalArgumentException("counts must be at least 0");
        }
        if (usage == null || elapsed == null) {
            throw new IllegalArgumentException("usage and elapsed must not be null");
        }
    }

    /**
     * Returns the share of this run's finished records that were accepted.
     *
     * @return {@code accepted / (accepted + rejected)}, or 0 when none finished (nothing to accept)
     */
    public double acceptanceRate() {
        long done = accepted + rejected;
        return done == 0 ? 0 : accepted / (double) done;
    }

    /**
     * Formats the summary on one line, e.g. for the end of a command-line run.
     *
     * @return the text
     */
    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "%d records: %d accepted, %d rejected, %d failed, %d already done; %d retried requests, %d re-asked; "
                        + "tokens %d (prompt %d, completion %d); %.1f s",
                records, accepted, rejected, failed, skipped, retried, reAsked, usage.total(), usage.promptTokens(),
                usage.completionTokens(), elapsed.toMillis() / 1000.0);
    }
}
