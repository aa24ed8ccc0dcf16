package dev.tally.gateway.limits;

import java.time.Duration;

/**
 * A token bucket for a per-minute limit: it holds up to {@code limit} units and refills at
 * {@code limit} units per minute, continuously. So a key with 60 requests per minute may send
 * 60 at once, then one a second; over any minute it never gets more than twice its limit, and
 * over a long time exactly its limit.
 *
 * <p>Arithmetic is exact: the level is kept in units of 1/60,000 (one unit refills in
 * {@code 60,000 / limit} ms, so each elapsed millisecond adds exactly {@code limit} of them).
 * The level may go below zero when more is {@link #take taken} than was there (tokens reported
 * after a call); that debt is paid back by refilling before anything else passes.
 *
 * <p>Not thread-safe: the owner holds a lock around each check-and-take.
 */
final class RateBucket {

    private static final long SCALE = 60_000L;

    private long level; // in units / SCALE
    private long lastRefillMillis;
    private boolean started;

    /** Brings the level up to {@code nowMillis}, for a bucket of {@code limit} per minute. */
    void refill(long nowMillis, long limit) {
        long capacity = limit * SCALE;
        if (!started) {
            started = true;
            level = capacity;
            lastRefillMillis = nowMillis;
            return;
        }
        // A full refill takes one minute, so longer gaps add nothing more (and cannot overflow).
        long elapsed = Math.min(Math.max(0, nowMillis - lastRefillMillis), SCALE);
        lastRefillMillis = Math.max(lastRefillMillis, nowMillis);
        level = Math.min(capacity, level + elapsed * limit);
    }

    /** Whether {@code units} are there now. */
    boolean has(long units) {
        return level >= units * SCALE;
    }

    /** How long until {@code units} are there, at {@code limit} per minute; zero if they are. */
    Duration waitFor(long units, long limit) {
        long missing = units * SCALE - level;
        if (missing <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis((missing + limit - 1) / limit);
    }

    /** Removes {@code units}, going into debt if needed (saturating, never overflowing). */
    void take(long units) {
        long amount = units > Long.MAX_VALUE / (2 * SCALE) ? Long.MAX_VALUE / 2 : units * SCALE;
        level = Math.max(Long.MIN_VALUE / 2, level - amount);
    }

    /** Whole units there now (negative while in debt). */
    long available() {
        return Math.floorDiv(level, SCALE);
    }
}
