package dev.tally.gateway.limits;

import java.time.Duration;

/**
 * A limit enforced by this instance alone: its {@link RateBucket}. Used with a store that
 * shares no budgets (SQLite: one instance per store). Not thread-safe: under the key's lock.
 */
final class LocalAllowance implements Allowance {

    private final RateBucket bucket = new RateBucket();

    @Override
    public Duration shortfall(long nowMillis, long limit, long need) {
        bucket.refill(nowMillis, limit);
        return bucket.has(need) ? null : bucket.waitFor(need, limit);
    }

    @Override
    public void take(long nowMillis, long limit, long units) {
        bucket.refill(nowMillis, limit);
        bucket.take(units);
    }
}
