package org.tcmrx.distill.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("retry policy")
class RetryPolicyTest {
    private static HttpHeaders headers(String retryAfter) {
        return HttpHeaders.of(Map.of("Retry-After", List.of(retryAfter)), (a, b) -> true);
    }

    @Nested
    @DisplayName("Backoff")
    class BackoffTests {
        @Test
        @DisplayName("doubles the delay per retry, with jitter in its upper half, capped at the maximum")
        void exponential() {
            Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 42);
            for (int retry = 0; retry < 6; retry++) {
                long exp = Math.min(1000, 100L << retry);
                for (int i = 0; i < 50; i++) {
                    assertThat(b.delay(retry, null).toMillis()).isBetween(exp / 2, exp);
                }
            }
            assertThat(b.delay(100, null).toMillis()).isBetween(500L, 1000L);
        }

        @Test
        @DisplayName("never waits less than Retry-After, which may exceed the maximum")
        void retryAfter() {
            Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(10), 42);
            assertThat(b.delay(0, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
            assertThat(b.delay(0, Duration.ZERO).toNanos()).isLessThanOrEqualTo(1_000_000);
        }

        @Test
        @DisplayName("reads Retry-After as seconds, fractions, or an HTTP date; ignores what it cannot read")
        void parse() {
            assertThat(Backoff.retryAfter(headers("2"))).isEqualTo(Duration.ofSeconds(2));
            assertThat(Backoff.retryAfter(headers("0.25"))).isEqualTo(Duration.ofMillis(250));
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(20));
            assertThat(Backoff.retryAfter(headers(date))).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20));
            assertThat(Backoff.retryAfter(headers("soon"))).isNull();
            assertThat(Backoff.retryAfter(HttpHeaders.of(Map.of(), (a, b) -> true))).isNull();
        }
    }

    @Nested
    @DisplayName("RateLimiter")
    class RateLimiterTests {
        @Test
        @DisplayName("spaces request starts 60 s / limit apart")
        void spaces() throws InterruptedException {
            RateLimiter limiter = new RateLimiter(1200); // one every 50 ms
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                limiter.acquire();
            }
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(4 * 50_000_000L);
        }

        @Test
        @DisplayName("does not wait without a limit, and refuses a negative one")
        void unlimited() throws InterruptedException {
            RateLimiter limiter = new RateLimiter(0);
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                limiter.acquire();
            }
            assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
            assertThatThrownBy(() -> new RateLimiter(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("perMinute must be at least 0, got -1");
        }
    }
}
