package dev.tally.audit.store.sqlite;

import dev.tally.audit.rollup.RollupKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The latency and ttft histogram bytes of rollup rows this writer recently wrote, so a batch
 * that touches a row again merges into it without reading it back first. Sound because only
 * one writer appends to a chain and rollup rows are keyed by chain: nobody else changes them.
 *
 * <p>Values written in the open transaction are pending until {@link #commit()}; a rolled back
 * batch drops them ({@link #rollback()}). Only rows of the newest {@link #HOURS_KEPT} hours are
 * kept (for day rows, whose key time is the day's start, that is the newest day); older rows
 * (late records) are read from the table. Not thread-safe: used under the
 * store's writer lock.
 */
final class StoredHistograms {

    static final int HOURS_KEPT = 3;

    private final Map<RollupKey, byte[][]> committed = new HashMap<>();
    private final Map<RollupKey, byte[][]> pending = new HashMap<>();
    private long newestHour = Long.MIN_VALUE;

    /** The committed {latency, ttft} bytes of {@code key}, or null when not known here. */
    byte[][] get(RollupKey key) {
        return committed.get(key);
    }

    /** Records what the open transaction writes to {@code key}'s row. */
    void put(RollupKey key, byte[] latency, byte[] ttft) {
        pending.put(key, new byte[][] {latency, ttft});
    }

    /** The open transaction committed. */
    void commit() {
        long newest = newestHour;
        for (RollupKey key : pending.keySet()) {
            newest = Math.max(newest, key.hour());
        }
        committed.putAll(pending);
        pending.clear();
        if (newest > newestHour) {
            newestHour = newest;
            long oldestKept = newestHour - (HOURS_KEPT - 1) * RollupKey.HOUR_MS;
            committed.keySet().removeIf(key -> key.hour() < oldestKept);
        }
    }

    /** The open transaction was rolled back. */
    void rollback() {
        pending.clear();
    }

    int size() {
        return committed.size();
    }
}
