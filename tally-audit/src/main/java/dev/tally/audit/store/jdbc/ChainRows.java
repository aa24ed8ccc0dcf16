package dev.tally.audit.store.jdbc;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.HeadRows;
import dev.tally.audit.store.StoredRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads of a chain's retained rows, the same on both stores: every read starts above the chain's
 * anchor, which on SQLite is where the rows start anyway (a prune deletes them) and on PostgreSQL
 * hides the pruned rows still waiting for their partition to be dropped. Part of the JDBC core;
 * not API. Stateless.
 */
public final class ChainRows {

    private ChainRows() {
    }

    /** The seq of {@code chain}'s anchor, 0 when it has none. */
    public static long anchorSeq(Connection c, String chain) throws SQLException {
        return HeadRows.anchor(c, chain).map(SignedHead::seq).orElse(0L);
    }

    /**
     * Walks the chain from above its anchor in seq order and stops at the first entry not before
     * the cut-off, so this reads only what a retention run is about to prune. Streams through a
     * cursor where the driver can (PostgreSQL: outside auto-commit mode).
     */
    public static Optional<ChainHead> prunableThrough(Connection c, String chain, long before) throws SQLException {
        long from = anchorSeq(c, chain);
        try (PreparedStatement s = c.prepareStatement(
                "SELECT seq, hash, ts FROM entries WHERE chain = ? AND seq > ? ORDER BY seq")) {
            s.setFetchSize(1_000);
            s.setString(1, chain);
            s.setLong(2, from);
            ChainHead last = null;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next() && rs.getLong(3) < before) {
                    last = new ChainHead(rs.getLong(1), rs.getString(2));
                }
            }
            return Optional.ofNullable(last);
        }
    }

    /** Opening markers of {@code chain}, oldest first. */
    public static List<CallOpening> openings(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT body FROM openings WHERE chain = ? ORDER BY ts, id")) {
            s.setString(1, chain);
            List<CallOpening> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!(EntryHasher.parse(rs.getBytes(1)) instanceof CallRecord record)) {
                        throw new IllegalStateException("openings row of chain '" + chain + "' is not a call record");
                    }
                    result.add(new CallOpening(record));
                }
            }
            return result;
        }
    }

    /** The retained entry with {@code id}, if any (the first stored, should an id repeat). */
    public static Optional<ChainedEntry> entry(Connection c, Dialect dialect, String id) throws SQLException {
        String visible = dialect.visible() == null ? "" : " AND " + dialect.visible();
        try (PreparedStatement s = c.prepareStatement("SELECT " + dialect.entryColumns()
                + " FROM entries e WHERE e.id = ?" + visible + " ORDER BY e.ts, e.seq LIMIT 1")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(dialect.entryOf(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Streams the retained rows of {@code chain} with seq at or above {@code fromSeq}, in seq order,
     * exactly as stored, through a cursor, so memory stays constant for any chain length.
     */
    public static Void scanFrom(Connection c, Dialect dialect, String chain, long fromSeq, Consumer<StoredRow> sink)
            throws SQLException {
        long from = Math.max(fromSeq, anchorSeq(c, chain) + 1);
        try (PreparedStatement s = c.prepareStatement("SELECT " + dialect.entryColumns()
                + " FROM entries e WHERE e.chain = ? AND e.seq >= ? ORDER BY e.seq")) {
            s.setFetchSize(1_000);
            s.setString(1, chain);
            s.setLong(2, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sink.accept(dialect.storedRowOf(rs));
                }
            }
        }
        return null;
    }
}
