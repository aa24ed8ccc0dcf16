package dev.tally.audit.store.postgres;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.rollup.RollupTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Folds committed call entries into the usage rollups, after their commit (schema version 8,
 * {@code rollup_folds}).
 *
 * <h2>Why the rollups are not written with the entries</h2>
 * A write batch used to upsert eight rollup tables in its own transaction: a few rows per call
 * with sparse traffic, each an index lookup and a new row version, which cost the writer about as
 * much as the entries themselves. Now the batch commits entries, tags and the chain head only,
 * and the call entries above a chain's {@code folded_seq} are the rollup deltas: nothing else is
 * written for them. Every reader adds those entries to what the rollup tables hold, in one
 * snapshot ({@link UnfoldedCalls}), so usage, budgets and {@code verify --deep} are exact at every
 * moment whether or not a fold has run.
 *
 * <h2>One fold</h2>
 * One transaction per chain: take the chain's fold lock (transaction-scoped advisory lock
 * {@value #LOCK_CLASS}, {@code hashtext(chain)}; the background folder only tries it, so a chain
 * another instance is folding is skipped), read {@code folded_seq} and the head under it, read the
 * next call entries (at most {@code max}), reading only the fields the rollups need from each body
 * ({@link RollupFields}), sum them in memory ({@link RollupBatch}, the same sums the writer used to
 * make), write every rollup table ({@link RollupUpserts}: new rows by COPY, the others by one
 * upsert per table, merging into the histograms {@link FoldMemory} remembers) and move
 * {@code folded_seq} and {@code rows_until} (the latest folded call's time: a row of a later hour
 * or day is new, and its histograms need not be read first). Rollups and {@code folded_seq} commit together, so a reader's snapshot sees
 * an entry in exactly one of the two places; the lock makes two folders of one chain take turns,
 * and each reads {@code folded_seq} after the previous one committed, so none counts an entry
 * twice. The entries of a chain commit in seq order (one writer per chain, under the chain's
 * write lock) and the head row moves in the same transaction, so every entry at or below a
 * committed head is committed: a fold never skips one still in flight.
 *
 * <p>Stateless; each call runs on the caller's connection, which must not be in auto-commit.
 */
final class RollupFolder {

    /** The advisory lock class of fold locks (beside the writer's chain lock, 1952541817). */
    static final int LOCK_CLASS = 1952541818;
    /** Call entries folded per transaction at most, so a fold's memory and lock time stay bounded. */
    static final int MAX_ENTRIES = 20_000;

    private RollupFolder() {
    }

    /** A chain with unfolded entries: its head's seq and its {@code folded_seq}. */
    record Lag(String chain, long head, long folded) {
    }

    /** Chains whose head is above their {@code folded_seq}, as committed now. */
    static List<Lag> lagging(Connection c) throws SQLException {
        List<Lag> chains = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT h.chain, h.seq, coalesce(f.folded_seq, 0) FROM chain_heads h "
                + "LEFT JOIN rollup_folds f ON f.chain = h.chain WHERE h.seq > coalesce(f.folded_seq, 0) ORDER BY 1");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                chains.add(new Lag(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return chains;
    }

    /**
     * Folds the next entries of {@code chain} (at most {@code max}, and none above
     * {@code through}) in the caller's open transaction on {@code c}; the caller commits.
     *
     * @param wait whether to wait for the chain's fold lock (a prune) or give up when another
     *     transaction holds it (the background folder)
     * @return the number of entries (of any kind) folded, 0 when there were none or the lock was taken
     */
    static long fold(Connection c, String chain, long through, int max, boolean wait) throws SQLException {
        return fold(c, chain, through, max, wait, new FoldMemory(), null);
    }

    /**
     * As {@link #fold(Connection, String, long, int, boolean)}, with what earlier folds of this
     * store left in {@code memory}; the caller tells it whether the transaction committed. With
     * {@code written} (this store's writer's sums, {@link WrittenRollups}) and no {@code through}
     * bound, the entries this store wrote since {@code folded_seq} are folded from memory, however
     * many; a span that starts later bounds what is read before it.
     */
    static long fold(Connection c, String chain, long through, int max, boolean wait, FoldMemory memory,
            WrittenRollups written) throws SQLException {
        memory.stoppedAtSpan(false);
        if (!lock(c, chain, wait)) {
            return 0;
        }
        long folded;
        long head;
        Long rowsUntil;
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce((SELECT folded_seq FROM rollup_folds "
                + "WHERE chain = ?), 0), coalesce((SELECT seq FROM chain_heads WHERE chain = ?), 0), "
                + "(SELECT rows_until FROM rollup_folds WHERE chain = ?)")) {
            s.setString(1, chain);
            s.setString(2, chain);
            s.setString(3, chain);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                folded = rs.getLong(1);
                head = rs.getLong(2);
                long until = rs.getLong(3);
                rowsUntil = rs.wasNull() ? null : until;
            }
        }
        WrittenRollups.Span span = written == null || through != Long.MAX_VALUE ? null : written.take(chain, folded);
        long upTo;
        RollupBatch rollups;
        Long latest = rowsUntil;
        if (span != null) {
            memory.took(span);
            upTo = span.to; // committed, so at or below the head now (maybe above the one read above)
            rollups = span.rollups;
            latest = WrittenRollups.later(latest, span.latest);
        } else {
            long spanStart = written == null ? -1 : written.start(chain);
            upTo = Math.min(Math.min(head, through), folded + max);
            memory.stoppedAtSpan(spanStart > folded && spanStart < upTo);
            upTo = spanStart > folded ? Math.min(upTo, spanStart) : upTo; // the next fold takes the span
            rollups = new RollupBatch();
            latest = readEntries(c, chain, folded, upTo, rollups, latest);
        }
        if (upTo <= folded) {
            return 0;
        }
        // Histograms this store wrote are trusted only while no other fold has moved folded_seq.
        Map<RollupTable, KnownHistograms> known = memory.at(folded);
        RollupUpserts.upsertAll(c, rollups, known, rowsUntil);
        memory.pending(upTo);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO rollup_folds (chain, folded_seq, rows_until) "
                + "VALUES (?, ?, ?) ON CONFLICT (chain) DO UPDATE SET folded_seq = excluded.folded_seq, "
                + "rows_until = excluded.rows_until")) {
            s.setString(1, chain);
            s.setLong(2, upTo);
            if (latest == null) {
                s.setNull(3, java.sql.Types.BIGINT);
            } else {
                s.setLong(3, latest);
            }
            s.executeUpdate();
        }
        return upTo - folded;
    }

    /**
     * Sums the call entries {@code (folded, upTo]} of {@code chain} into {@code rollups}; returns
     * {@code latest} raised to the latest call's time.
     */
    private static Long readEntries(Connection c, String chain, long folded, long upTo, RollupBatch rollups,
            Long latest) throws SQLException {
        if (upTo <= folded) {
            return latest;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT seq, body, ts FROM entries WHERE chain = ? AND seq > ? "
                + "AND seq <= ? AND kind = 'call'")) {
            s.setFetchSize(5_000); // fewer round trips; a body is about a kilobyte
            // Bodies in binary from the first execution: bytea as text is hex, twice the bytes.
            s.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
            s.setString(1, chain);
            s.setLong(2, folded);
            s.setLong(3, upTo);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    AuditEntry entry = RollupFields.parse(rs.getBytes(2));
                    if (!(entry instanceof CallRecord call)) {
                        throw new IllegalStateException("rollup fold of chain '" + chain + "': seq " + rs.getLong(1)
                                + " is kind 'call' but its body is " + entry.getClass().getSimpleName()
                                + " (expected: a call record)");
                    }
                    rollups.add(chain, call);
                    latest = latest == null ? rs.getLong(3) : Math.max(latest, rs.getLong(3));
                }
            }
        }
        return latest;
    }

    private static boolean lock(Connection c, String chain, boolean wait) throws SQLException {
        String sql = wait ? "SELECT true FROM (SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(?))) l"
                : "SELECT pg_try_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(?))";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, chain);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
