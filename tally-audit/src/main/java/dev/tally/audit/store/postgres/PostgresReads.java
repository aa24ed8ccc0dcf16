package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.StoredRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Row mappings and small lookups shared by the reader and writer sides of {@link PostgresAuditStore}. */
final class PostgresReads {

    /** Entry columns in the order {@link #entryOf} and {@link #storedRowOf} read them. */
    static final String ENTRY_COLUMNS = "e.chain, e.seq, e.prev_hash, e.hash, e.body, e.id, e.kind, e.ts, "
            + "e.key_id, e.model, e.provider, e.status, e.user_id, e.event_type";

    /**
     * The condition that keeps an entries row (alias {@code e}) visible: not pruned, i.e. above
     * its chain's anchor. Pruned rows wait there for their day's partition to be dropped.
     */
    static final String VISIBLE = "NOT EXISTS (SELECT 1 FROM anchors a WHERE a.chain = e.chain AND a.seq >= e.seq)";

    private PostgresReads() {
    }

    static ChainedEntry entryOf(ResultSet rs) throws SQLException {
        byte[] body = rs.getBytes(5);
        return new ChainedEntry(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                EntryHasher.parse(body), body);
    }

    static StoredRow storedRowOf(ResultSet rs) throws SQLException {
        IndexColumns columns = new IndexColumns(rs.getString(6), rs.getString(7), rs.getLong(8), rs.getString(9),
                rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14));
        return new StoredRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getBytes(5), columns);
    }

    /** Where {@code chain} ends: its head row, else its anchor, else empty at genesis. */
    static ChainHead head(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT seq, hash FROM chain_heads WHERE chain = ?")) {
            s.setString(1, chain);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return new ChainHead(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return anchor(c, chain).map(a -> new ChainHead(a.seq(), a.hash()))
                .orElse(new ChainHead(0, EntryHasher.GENESIS));
    }

    /** The chains with entries or an anchor, by name. */
    static List<String> chains(Connection c) throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT chain FROM chain_heads UNION SELECT chain FROM anchors ORDER BY 1");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }

    /** The seq of {@code chain}'s anchor, 0 when it has none. */
    static long anchorSeq(Connection c, String chain) throws SQLException {
        return anchor(c, chain).map(SignedHead::seq).orElse(0L);
    }

    /**
     * Walks the chain from above its anchor in seq order and stops at the first entry not before
     * the cut-off, so this reads only what a retention run is about to prune. Streams through a
     * cursor (the caller's connection must not be in auto-commit mode).
     */
    static Optional<ChainHead> prunableThrough(Connection c, String chain, long before) throws SQLException {
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
    static List<CallOpening> openings(Connection c, String chain) throws SQLException {
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

    static Optional<SignedHead> anchor(Connection c, String chain) throws SQLException {
        return dev.tally.audit.store.HeadRows.anchor(c, chain);
    }

    static List<SignedHead> checkpoints(Connection c, String chain) throws SQLException {
        return dev.tally.audit.store.HeadRows.checkpoints(c, chain);
    }

    /** The visible entry with {@code id}, if any. */
    static Optional<ChainedEntry> entry(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ENTRY_COLUMNS
                + " FROM entries e WHERE e.id = ? AND " + VISIBLE + " ORDER BY e.ts LIMIT 1")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(entryOf(rs)) : Optional.empty();
            }
        }
    }

    /** {@link dev.tally.audit.store.jdbc.Binds#setNullable}, for the writer. */
    static void setNullable(PreparedStatement s, int index, String value) throws SQLException {
        dev.tally.audit.store.jdbc.Binds.setNullable(s, index, value);
    }
}
