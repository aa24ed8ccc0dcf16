package dev.tally.gateway.upstream;

import dev.tally.gateway.proxy.ErrorCode;

import dev.tally.gateway.config.GatewayConfig.Retries;
import dev.tally.gateway.upstream.UpstreamTimeoutException.Which;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tries a call's targets in order with retries: connect errors, 429 and 5xx are retried on the
 * same target with exponential backoff (capped by {@code max_backoff}, never sooner than the
 * provider's {@code retry-after}); when a target's retries run out, or its {@code retry-after}
 * is longer than the cap, or its first byte timed out, the next target (fallback) is tried. A
 * non-retryable answer (2xx, other 4xx) ends the search at once. Thread-safe (stateless).
 */
public final class UpstreamCaller {

    /** Waits between attempts; a test passes one that records the waits instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final UpstreamClient client;
    private final Sleeper sleeper;
    private final Clock clock;

    public UpstreamCaller(UpstreamClient client, Sleeper sleeper, Clock clock) {
        this.client = client;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /**
     * Tries {@code targets} in order. Blocking; returns when a provider answered (headers read)
     * or every target failed.
     *
     * @param requestFor builds the request for a target (its body names that target's model)
     */
    public Attempt call(List<Target> targets, Function<Target, UpstreamRequest> requestFor) throws InterruptedException {
        int attempts = 0;
        Attempt.Unreachable lastFailure = null;
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            boolean lastTarget = t == targets.size() - 1;
            Retries retries = target.provider().retries();
            for (int retry = 0; ; retry++) {
                attempts++;
                boolean retriesLeft = retry < retries.max();
                UpstreamResponse response;
                try {
                    response = client.send(requestFor.apply(target));
                } catch (UpstreamTimeoutException e) {
                    boolean connect = e.which() == Which.CONNECT;
                    lastFailure = new Attempt.Unreachable(target, attempts, ErrorCode.UPSTREAM_TIMEOUT, e.getMessage());
                    if (connect && retriesLeft) {
                        sleeper.sleep(backoff(retries, retry));
                        continue;
                    }
                    break; // a first-byte timeout is not retried on the same target
                } catch (IOException e) {
                    lastFailure = new Attempt.Unreachable(target, attempts, ErrorCode.UPSTREAM_UNREACHABLE,
                            "provider " + target.provider().name() + " could not be reached: " + describe(e));
                    if (retriesLeft) {
                        sleeper.sleep(backoff(retries, retry));
                        continue;
                    }
                    break;
                }
                int status = response.status();
                boolean retryable = status == 429 || status >= 500;
                if (!retryable || (lastTarget && !retriesLeft)) {
                    return new Attempt.Answered(response, target, attempts);
                }
                Duration wait = backoff(retries, retry);
                Optional<Duration> retryAfter = retryAfter(response);
                if (retryAfter.isPresent()) {
                    wait = wait.compareTo(retryAfter.get()) >= 0 ? wait : retryAfter.get();
                }
                boolean waitTooLong = retryAfter.isPresent() && retryAfter.get().compareTo(retries.maxBackoff()) > 0;
                if (retriesLeft && !waitTooLong) {
                    response.close();
                    sleeper.sleep(wait);
                    continue;
                }
                if (lastTarget) {
                    return new Attempt.Answered(response, target, attempts);
                }
                response.close();
                lastFailure = null;
                break;
            }
        }
        return lastFailure != null ? lastFailure : new Attempt.Unreachable(targets.getLast(), attempts,
                ErrorCode.UPSTREAM_UNREACHABLE, "no provider answered");
    }

    static Duration backoff(Retries retries, int retry) {
        long millis = retries.backoff().toMillis() << Math.min(retry, 20);
        return Duration.ofMillis(Math.min(millis, retries.maxBackoff().toMillis()));
    }

    /** {@code retry-after} as seconds or an HTTP date; empty when absent or unreadable. */
    Optional<Duration> retryAfter(UpstreamResponse response) {
        return response.header("retry-after").flatMap(value -> {
            String v = value.strip();
            try {
                return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)))
                        .filter(d -> !d.isNegative());
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(clock.instant(), at.toInstant());
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (DateTimeParseException unreadable) {
                    return Optional.empty();
                }
            }
        });
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
