package dev.tally.audit.store.jdbc;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.StoredRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What really differs between the two stores behind the shared JDBC core, for the statements the
 * core runs itself. The rest of the SQL (keys, settings, payloads, heads, anchors) is the same
 * text on both: {@code ON CONFLICT ... DO UPDATE SET ... = excluded....} upserts, {@code ?}
 * placeholders, epoch-millisecond {@code bigint}s, JSON as text, booleans bound with
 * {@code setBoolean}.
 *
 * <ul>
 * <li>Entry rows: SQLite keys them by {@code row_id} (tag rows point at it, pages tie-break on
 *     it); PostgreSQL by {@code (chain, seq, ts)}, its partition key, and keeps pruned rows
 *     until their day is dropped, so every read keeps only rows above the chain's anchor.
 * <li>Index hints: without statistics SQLite may pick the model index for a key's calls; a unary
 *     {@code +} keeps it on the key index.
 * <li>Retention: SQLite deletes the pruned prefix's rows (entries, their tag rows and kept
 *     payloads) in the prune's transaction; PostgreSQL deletes only the kept payloads — its
 *     entries turn invisible behind the new anchor and go when their day partition is dropped.
 * <li>Payload pruning: SQLite deletes by {@code rowid}, PostgreSQL by the primary key.
 * </ul>
 * Stateless and thread-safe; the connection is the caller's, inside its transaction.
 */
public enum Dialect {

    /** The embedded store: one file, rows deleted by retention. */
    SQLITE("e.row_id, " + Dialect.COLUMNS, 1) {
        @Override
        void model(Sql sql, CallQuery q) {
            if (q.keyId() != null && q.model() != null) {
                // A key is far more selective than a model; without statistics SQLite may pick the
                // model index and walk every call of that model. Unary + keeps it on the key index.
                sql.where("+e.model = ?", q.model());
            } else {
                sql.equal("e.model", q.model());
            }
        }

        @Override
        String tagExists() {
            return "EXISTS (SELECT 1 FROM call_tags t WHERE t.name = ? AND t.value = ? AND t.row_id = e.row_id)";
        }

        @Override
        void after(Sql sql, String cursor) {
            PageCursor after = PageCursor.decode(cursor);
            sql.where("(e.ts, e.row_id) < (?, ?)", after.ts(), after.rowId());
        }

        @Override
        String newestFirst() {
            return " ORDER BY e.ts DESC, e.row_id DESC";
        }

        @Override
        String tagJoin() {
            return "e.row_id = t.row_id";
        }

        @Override
        String chainAfter() {
            // Through the (ts) WHERE kind = 'call' index: the unary + keeps SQLite off the chain's
            // seq index, which would walk every retained entry.
            return "+e.chain = ? AND +e.seq > ?";
        }

        @Override
        String strayTags() {
            return "NOT EXISTS (SELECT 1 FROM entries e WHERE e.row_id = t.row_id)";
        }

        @Override
        String cursorAt(ResultSet rs) throws SQLException {
            return new PageCursor(rs.getLong(9), rs.getLong(1)).encode();
        }

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
    POSTGRES(Dialect.COLUMNS, 0) {
        @Override
        String tagExists() {
            return "EXISTS (SELECT 1 FROM call_tags t WHERE t.name = ? AND t.value = ? AND t.ts = e.ts "
                    + "AND t.chain = e.chain AND t.seq = e.seq)";
        }

        @Override
        void after(Sql sql, String cursor) {
            EntryCursor after = EntryCursor.decode(cursor);
            // The plain ts bound lets the index and partition pruning do the work; the row
            // comparison breaks ties within one millisecond.
            sql.where("e.ts <= ? AND (e.ts, e.chain, e.seq) < (?, ?, ?)", after.ts(), after.ts(), after.chain(),
                    after.seq());
        }

        @Override
        String newestFirst() {
            return " ORDER BY e.ts DESC, e.chain DESC, e.seq DESC";
        }

        @Override
        String tagJoin() {
            return "e.chain = t.chain AND e.seq = t.seq AND e.ts = t.ts";
        }

        @Override
        String chainAfter() {
            return "e.chain = ? AND e.seq > ?";
        }

        @Override
        String strayTags() {
            return "NOT EXISTS (SELECT 1 FROM anchors a WHERE a.chain = t.chain AND a.seq >= t.seq) "
                    + "AND NOT EXISTS (SELECT 1 FROM entries e WHERE " + tagJoin() + ")";
        }

        @Override
        public String visible() {
            return "NOT EXISTS (SELECT 1 FROM anchors a WHERE a.chain = e.chain AND a.seq >= e.seq)";
        }

        @Override
        String cursorAt(ResultSet rs) throws SQLException {
            return new EntryCursor(rs.getLong(8), rs.getString(1), rs.getLong(2)).encode();
        }

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

    /** The entry columns both stores have, in the order {@link #entryOf} and {@link #storedRowOf} read them. */
    private static final String COLUMNS = "e.chain, e.seq, e.prev_hash, e.hash, e.body, e.id, e.kind, e.ts, "
            + "e.key_id, e.model, e.provider, e.status, e.user_id, e.event_type";

    private final String entryColumns;
    private final int shift;

    Dialect(String entryColumns, int shift) {
        this.entryColumns = entryColumns;
        this.shift = shift;
    }

    /** The columns every read of entries (alias {@code e}) selects, for {@link #entryOf} and {@link #storedRowOf}. */
    public String entryColumns() {
        return entryColumns;
    }

    /** The entry at the cursor's row of a result of {@link #entryColumns()}. */
    public ChainedEntry entryOf(ResultSet rs) throws SQLException {
        byte[] body = rs.getBytes(shift + 5);
        return new ChainedEntry(rs.getString(shift + 1), rs.getLong(shift + 2), rs.getString(shift + 3),
                rs.getString(shift + 4), EntryHasher.parse(body), body);
    }

    /** The row exactly as stored at the cursor's row of a result of {@link #entryColumns()}. */
    public StoredRow storedRowOf(ResultSet rs) throws SQLException {
        IndexColumns columns = new IndexColumns(rs.getString(shift + 6), rs.getString(shift + 7), rs.getLong(shift + 8),
                rs.getString(shift + 9), rs.getString(shift + 10), rs.getString(shift + 11), rs.getString(shift + 12),
                rs.getString(shift + 13), rs.getString(shift + 14));
        return new StoredRow(rs.getString(shift + 1), rs.getLong(shift + 2), rs.getString(shift + 3),
                rs.getString(shift + 4), rs.getBytes(shift + 5), columns);
    }

    /**
     * The condition keeping an entries row (alias {@code e}) visible, or null when every stored
     * row is: PostgreSQL keeps pruned rows, invisible behind their chain's anchor, until their
     * day's partition is dropped.
     */
    public String visible() {
        return null;
    }

    /** Filters calls by {@code q}'s model. */
    void model(Sql sql, CallQuery q) {
        sql.equal("e.model", q.model());
    }

    /** The condition that a call (alias {@code e}) has tag (?, ?). */
    abstract String tagExists();

    /** Adds the condition for rows after {@code cursor}, a cursor this dialect returned. */
    abstract void after(Sql sql, String cursor);

    /** The ORDER BY of newest-first pages, a total order that {@link #cursorAt} positions in. */
    abstract String newestFirst();

    /** The join of a tag row (alias {@code t}) to its entry (alias {@code e}). */
    abstract String tagJoin();

    /** The condition (chain = ?, seq > ?) on entries for a scan by time of one chain's calls. */
    abstract String chainAfter();

    /** The condition that a retained tag row (alias {@code t}) has no entry. */
    abstract String strayTags();

    /** The cursor after the row the result set is on. */
    abstract String cursorAt(ResultSet rs) throws SQLException;

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
