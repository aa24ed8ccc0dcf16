package dev.tally.gateway.limits;

import dev.tally.audit.store.RateLeases;
import dev.tally.audit.store.StoreException;
import java.util.HashMap;
import java.util.Map;

/**
 * A hand-written in-memory {@link RateLeases}: the fleet's shared buckets with the arithmetic of
 * the PostgreSQL table (level in 1/60,000 units, new buckets full, at most a minute of refill),
 * plus a switch that makes every lease fail as if the store were down. Counts leases. Thread-safe.
 */
final class FleetBucket implements RateLeases {

    private static final long SCALE = 60_000L;

    private final Map<String, long[]> buckets = new HashMap<>(); // {level, refilledAt}
    private int leases;
    private boolean down;

    @Override
    public synchronized long lease(String keyId, String limitName, long perMinute, long units, long nowMillis) {
        if (down) {
            throw new StoreException("postgresql: rate lease failed on fake: connection refused");
        }
        leases++;
        long cap = perMinute * SCALE;
        long[] b = buckets.computeIfAbsent(keyId + "/" + limitName, k -> new long[] {cap, nowMillis});
        long elapsed = Math.min(Math.max(0, nowMillis - b[1]), SCALE);
        b[0] = Math.min(cap, b[0] + elapsed * perMinute);
        b[1] = Math.max(b[1], nowMillis);
        long granted = Math.min(units, b[0] / SCALE);
        b[0] -= granted * SCALE;
        return granted;
    }

    synchronized int leases() {
        return leases;
    }

    synchronized void down(boolean value) {
        down = value;
    }
}
