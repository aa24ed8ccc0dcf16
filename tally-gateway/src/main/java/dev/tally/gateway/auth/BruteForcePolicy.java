package dev.tally.gateway.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * How repeated authentication failures from one client IP are slowed down.
 *
 * <p>Failures are counted per IP in a fixed window that starts at the IP's first failure. The
 * first {@code freeFailures} failures in a window are answered at once; failure number
 * {@code freeFailures + k} (k = 1, 2, ...) is answered after {@code baseDelay * 2^(k-1)},
 * capped at {@code maxDelay}. At most {@code maxTrackedIps} addresses are tracked; see
 * {@link FailureThrottle} for what happens beyond that.
 *
 * @param freeFailures failures per window answered without delay, 0..1000
 * @param window how long a window lasts, 1 s..1 h
 * @param baseDelay delay of the first slowed failure, 1 ms..maxDelay
 * @param maxDelay cap on one delay, 1 ms..1 min
 * @param maxTrackedIps addresses tracked at once, 1..10,000,000
 */
public record BruteForcePolicy(int freeFailures, Duration window, Duration baseDelay, Duration maxDelay,
        int maxTrackedIps) {

    /** 5 free failures per minute, then 250 ms doubling up to 8 s; 10,000 addresses. */
    public static final BruteForcePolicy DEFAULT =
            new BruteForcePolicy(5, Duration.ofMinutes(1), Duration.ofMillis(250), Duration.ofSeconds(8), 10_000);

    public BruteForcePolicy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(baseDelay, "base_delay");
        Objects.requireNonNull(maxDelay, "max_delay");
        if (freeFailures < 0 || freeFailures > 1000) {
            throw new IllegalArgumentException("free_failures: " + freeFailures + " (expected: 0..1000)");
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("window: " + window.toMillis() + "ms (expected: 1000..3600000 ms)");
        }
        if (maxDelay.toMillis() < 1 || maxDelay.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("max_delay: " + maxDelay.toMillis() + "ms (expected: 1..60000 ms)");
        }
        if (baseDelay.toMillis() < 1 || baseDelay.compareTo(maxDelay) > 0) {
            throw new IllegalArgumentException("base_delay: " + baseDelay.toMillis() + "ms (expected: 1.."
                    + maxDelay.toMillis() + " ms, at most max_delay)");
        }
        if (maxTrackedIps < 1 || maxTrackedIps > 10_000_000) {
            throw new IllegalArgumentException("max_tracked_ips: " + maxTrackedIps + " (expected: 1..10000000)");
        }
    }

    /** The delay for the {@code n}-th failure (from 1) in a window. */
    public Duration delayFor(int n) {
        if (n <= freeFailures) {
            return Duration.ZERO;
        }
        int doublings = Math.min(n - freeFailures - 1, 30);
        long millis = baseDelay.toMillis() << doublings;
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
