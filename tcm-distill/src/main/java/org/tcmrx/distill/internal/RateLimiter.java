package org.tcmrx.distill.internal;

/**
 * Spaces request starts evenly to stay under a requests-per-minute limit: each caller is given the next free slot,
 * {@code 60 s / limit} after the previous one, and sleeps until it. Evenly spaced rather than bursty, because
 * providers count requests over windows shorter than a minute.
 */
public final class RateLimiter {
    private final long intervalNanos;
    private long nextNanos;

    /**
     * Makes a limiter.
     *
     * @param perMinute the most requests per minute, or 0 for no limit
     * @throws IllegalArgumentException when perMinute is negative
     */
    public RateLimiter(int perMinute) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("perMinute must be at least 0, got " + perMinute);
        }
        this.intervalNanos = perMinute == 0 ? 0 : 60_000_000_000L / perMinute;
        this.nextNanos = System.nanoTime();
    }

    /**
     * Waits for the caller's slot.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long at = Math.max(now, nextNanos);
            nextNanos = at + intervalNanos;
            wait = at - now;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
