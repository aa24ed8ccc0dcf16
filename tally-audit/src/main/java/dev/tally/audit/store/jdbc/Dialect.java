package dev.tally.audit.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What really differs between the two stores behind the shared JDBC core, for the statements the
 * core runs itself. The rest of the SQL (keys, settings, payloads, heads, anchors) is the same
 * text on both: {@code ON CONFLICT ... DO UPDATE SET ... = excluded....} upserts, {@code ?}
 * placeholders, epoch-millisecond {@code bigint}s, JSON as text, booleans bound with
 * {@code setBoolean}.
 *
 * <ul>
 * <li>Retention: SQLite deletes the pruned prefix's rows (entries, their tag rows and kept
 *     payloads) in the prune's transaction; PostgreSQL deletes only the kept payloads — its
 *     entries turn invisible behind the new anchor and go when their day partition is dropped.
 * <li>Payload pruning: SQLite deletes by {@code rowid}, PostgreSQL by the primary key.
 * </ul>
 * Stateless and thread-safe; the connection is the caller's, inside its transaction.
 */
public enum Dialect {

    /** The embedded store: one file, rows deleted by retention. */
    SQLITE {
        @Override
        void deletePruned(Connection c, String chain, long previousSeq, long throughSeq) throws SQLException {
            execute(c, "DELETE FROM payloads WHERE call_id IN (SELECT id FROM entries WHERE chain = ? AND seq <= ? "
                    + "AND kind = 'call')", chain, throughSeq);
            execute(c, "DELETE FROM call_tags WHERE row_id IN (SELECT row_id FROM entries WHERE chain = ? AND seq <= ?)",
                    chain, throughSeq);
            execute(c, "DELETE FROM entries WHERE chain = ? AND seq <= ?", chain, throughSeq);
        }

        @Override
        String payloadChunk() {
            return "DELETE FROM payloads WHERE rowid IN (SELECT rowid FROM payloads WHERE created_ts < ? "
                    + "ORDER BY created_ts LIMIT ?)";
        }
    },

    /** The shared store: day-partitioned entries, hidden by the anchor and dropped by partition. */
    POSTGRES {
        @Override
        void deletePruned(Connection c, String chain, long previousSeq, long throughSeq) throws SQLException {
            // A payload never outlives its record: the kept payloads of the calls now pruned go.
            try (PreparedStatement s = c.prepareStatement("DELETE FROM payloads p USING entries e "
                    + "WHERE e.chain = ? AND e.seq > ? AND e.seq <= ? AND e.kind = 'call' AND p.call_id = e.id")) {
                s.setString(1, chain);
                s.setLong(2, previousSeq);
                s.setLong(3, throughSeq);
                s.executeUpdate();
            }
        }

        @Override
        String payloadChunk() {
            return "DELETE FROM payloads WHERE call_id IN (SELECT call_id FROM payloads WHERE created_ts < ? "
                    + "ORDER BY created_ts LIMIT ?)";
        }
    };

    /**
     * Removes what retention removes in the prune's own transaction for {@code chain}'s entries
     * above {@code previousSeq} (the old anchor's seq, 0 without one) through {@code throughSeq}.
     */
    abstract void deletePruned(Connection c, String chain, long previousSeq, long throughSeq) throws SQLException;

    /** The statement deleting one chunk of payloads made before a time: parameters (before ms, limit). */
    abstract String payloadChunk();

    /**
     * Deletes at most {@code limit} kept payloads made before {@code beforeMs} (epoch ms), oldest
     * first through the {@code payloads_created_ts} index, inside the caller's transaction; returns
     * how many.
     */
    public int deletePayloadsBefore(Connection c, long beforeMs, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(payloadChunk())) {
            s.setLong(1, beforeMs);
            s.setInt(2, limit);
            return s.executeUpdate();
        }
    }

    private static void execute(Connection c, String sql, String chain, long seq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, chain);
            s.setLong(2, seq);
            s.executeUpdate();
        }
    }
}
