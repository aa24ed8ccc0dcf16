package dev.tally.audit.store.sqlite;

import dev.tally.audit.rollup.LatencyHistogram;
import dev.tally.audit.rollup.RollupKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one rollup table's recent rows hold, as far as this writer knows: the latency and ttft
 * histograms of the rows it recently wrote, so a batch that touches a row again merges into
 * them in place without reading or decoding anything, and which rows do not exist yet, so a
 * batch that creates a row does not read it first either. Sound because only one writer appends to a
 * chain and rollup rows are keyed by chain: nobody else changes them.
 *
 * <p>Rows of the newest {@link #HOURS_KEPT} hours this writer wrote are kept (for a day table,
 * whose key time is the day's start, that is the newest day); older rows (late records) are
 * read from the table. A row is known to be absent when its time is within the kept window, it
 * is not kept, and its time is at or after {@code coveredFrom}: the first bucket after every
 * row that existed when the writer opened. Values written in the open transaction are pending
 * until {@link #commit()}. The writer merges into the kept histograms in place, so a rolled
 * back batch makes the rows it touched unknown ({@link #rollback()}): they are read again. Not
 * thread-safe: used under the store's writer lock.
 */
final class StoredHistograms {

    static final int HOURS_KEPT = 3;

    /** What {@link #get} returns for a row known not to exist. */
    static final LatencyHistogram[] ABSENT = new LatencyHistogram[0];

    private final long coveredFrom;
    private final Map<RollupKey, LatencyHistogram[]> committed = new HashMap<>();
    private final Map<RollupKey, LatencyHistogram[]> pending = new HashMap<>();
    /** Rows a failed transaction wrote to: whether it committed after all is unknown, so they are read. */
    private final Set<RollupKey> doubtful = new HashSet<>();
    private long newestHour = Long.MIN_VALUE;
    private long oldestKept = Long.MIN_VALUE;

    /** @param coveredFrom start of the first time bucket after every row the table held at open */
    StoredHistograms(long coveredFrom) {
        this.coveredFrom = coveredFrom;
    }

    /**
     * The committed {latency, ttft} histograms of {@code key}'s row (live: merge into them only
     * inside a transaction that then calls {@link #put}), {@link #ABSENT} for a row known not to
     * exist, or null when not known here.
     */
    LatencyHistogram[] get(RollupKey key) {
        LatencyHistogram[] known = committed.get(key);
        if (known != null) {
            return known;
        }
        if (!doubtful.isEmpty() && doubtful.contains(key)) {
            return null;
        }
        return key.hour() >= coveredFrom && key.hour() >= oldestKept ? ABSENT : null;
    }

    /** Records what the open transaction writes to {@code key}'s row; the histograms are kept, not copied. */
    void put(RollupKey key, LatencyHistogram latency, LatencyHistogram ttft) {
        pending.put(key, new LatencyHistogram[] {latency, ttft});
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
            oldestKept = newestHour - (HOURS_KEPT - 1) * RollupKey.HOUR_MS;
            committed.keySet().removeIf(key -> key.hour() < oldestKept);
            doubtful.removeIf(key -> key.hour() < oldestKept);
        }
    }

    /**
     * The open transaction failed and was rolled back. A failed COMMIT may still have reached the
     * database, so the rows it touched are no longer known here.
     */
    void rollback() {
        for (RollupKey key : pending.keySet()) {
            committed.remove(key);
            doubtful.add(key);
        }
        pending.clear();
    }

    int size() {
        return committed.size();
    }
}
