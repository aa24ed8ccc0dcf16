package dev.tally.audit.store.postgres;

import dev.tally.audit.rollup.RollupKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The latency and ttft histogram bytes of rollup rows a fold has written, so a fold that adds to
 * a row again merges into it without reading it back. A store keeps them between its folds of a
 * chain in {@link FoldMemory}, which drops them as soon as another fold (another instance's, or a
 * prune's) has moved the chain's {@code folded_seq}.
 *
 * <p>Values of the open transaction are pending until {@link #commit()}; a rolled back batch
 * drops them. Only rows of the newest {@link #HOURS_KEPT} hours are kept (for day rows, the
 * newest day); older rows are read from the table. Not thread-safe: used by one fold.
 */
final class KnownHistograms {

    static final int HOURS_KEPT = 3;

    private final Map<RollupKey, byte[][]> committed = new HashMap<>();
    private final Map<RollupKey, byte[][]> pending = new HashMap<>();
    private long newestHour = Long.MIN_VALUE;

    /** The committed {latency, ttft} bytes of {@code key}, or null when not known here. */
    byte[][] get(RollupKey key) {
        return committed.get(key);
    }

    void put(RollupKey key, byte[] latency, byte[] ttft) {
        pending.put(key, new byte[][] {latency, ttft});
    }

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

    void rollback() {
        pending.clear();
    }

    void clear() {
        committed.clear();
        pending.clear();
    }
}
