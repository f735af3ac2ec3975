package org.tcmrx.distill.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Random;

/**
 * Delays between retries: exponential ({@code base * 2^retry}, capped), with jitter so that many clients failing
 * together do not retry together, and never shorter than a server's {@code Retry-After}.
 */
public final class Backoff {
    private final Duration base;
    private final Duration max;
    private final Random random;

    /**
     * Makes the policy.
     *
     * @param base the first delay
     * @param max the longest computed delay (a {@code Retry-After} may be longer)
     * @param seed the seed of the jitter
     */
    public Backoff(Duration base, Duration max, long seed) {
        this.base = base;
        this.max = max;
        this.random = new Random(seed);
    }

    /**
     * Returns the delay before a retry.
     *
     * @param retry 0 for the first retry
     * @param retryAfter the server's {@code Retry-After}, or null
     * @return the delay: a uniform draw from the upper half of the exponential delay, and at least
     *     {@code retryAfter}
     */
    public Duration delay(int retry, Duration retryAfter) {
        long cap = max.toNanos();
        long exp = base.toNanos() << Math.min(retry, 30);
        if (exp <= 0 || exp > cap) {
            exp = cap;
        }
        // Upper-half jitter: spread out, yet never much shorter than the exponential schedule.
        long jittered = exp / 2 + (long) (random.nextDouble() * (exp - exp / 2));
        Duration d = Duration.ofNanos(jittered);
        return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
    }

    /**
     * Reads a {@code Retry-After} header: delay-seconds (fractions allowed, as some servers send them) or an
     * HTTP-date.
     *
     * @param headers the response's headers
     * @return the delay, or null when there is no usable header
     */
    public static Duration retryAfter(HttpHeaders headers) {
        Optional<String> v = headers.firstValue("Retry-After");
        if (v.isEmpty()) {
            return null;
        }
        String s = v.get().strip();
        try {
            double seconds = Double.parseDouble(s);
            return seconds >= 0 ? Duration.ofMillis((long) (seconds * 1000)) : null;
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
