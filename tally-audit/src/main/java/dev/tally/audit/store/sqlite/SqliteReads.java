package dev.tally.audit.store.sqlite;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
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

/** Row mappings and small lookups shared by the reader and writer sides. */
final class SqliteReads {

    /** Entry columns in the order {@link #entryOf} and {@link #storedRowOf} read them. */
    static final String ENTRY_COLUMNS = "e.row_id, e.chain, e.seq, e.prev_hash, e.hash, e.body, e.id, e.kind, e.ts, "
            + "e.key_id, e.model, e.provider, e.status, e.user_id, e.event_type";

    private SqliteReads() {
    }

    static ChainedEntry entryOf(ResultSet rs) throws SQLException {
        byte[] body = rs.getBytes(6);
        return new ChainedEntry(rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                EntryHasher.parse(body), body);
    }

    static StoredRow storedRowOf(ResultSet rs) throws SQLException {
        IndexColumns columns = new IndexColumns(rs.getString(7), rs.getString(8), rs.getLong(9), rs.getString(10),
                rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15));
        return new StoredRow(rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getBytes(6), columns);
    }

    /** Where {@code chain} ends: its last entry, else its anchor, else empty at genesis. */
    static dev.tally.audit.store.ChainHead head(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT seq, hash FROM entries WHERE chain = ? ORDER BY seq DESC LIMIT 1")) {
            s.setString(1, chain);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return new dev.tally.audit.store.ChainHead(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return anchor(c, chain)
                .map(a -> new dev.tally.audit.store.ChainHead(a.seq(), a.hash()))
                .orElse(new dev.tally.audit.store.ChainHead(0, EntryHasher.GENESIS));
    }

    /**
     * The chains with entries or an anchor. Distinct chains are found by skipping through the
     * {@code (chain, seq)} index one chain at a time, so the cost does not grow with the rows.
     */
    static List<String> chains(Connection c) throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("WITH RECURSIVE chains (chain) AS ("
                + "SELECT min(chain) FROM entries "
                + "UNION ALL SELECT (SELECT min(chain) FROM entries WHERE chain > chains.chain) FROM chains "
                + "WHERE chains.chain IS NOT NULL) "
                + "SELECT chain FROM chains WHERE chain IS NOT NULL UNION SELECT chain FROM anchors ORDER BY 1");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }

    /**
     * Walks the chain from its start: the answer ends at the first entry not before the
     * cut-off, so this reads only what a retention run is about to delete.
     */
    static Optional<dev.tally.audit.store.ChainHead> prunableThrough(Connection c, String chain, long before)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT seq, hash, ts FROM entries WHERE chain = ? ORDER BY seq")) {
            s.setString(1, chain);
            dev.tally.audit.store.ChainHead last = null;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next() && rs.getLong(3) < before) {
                    last = new dev.tally.audit.store.ChainHead(rs.getLong(1), rs.getString(2));
                }
            }
            return Optional.ofNullable(last);
        }
    }

    /** Opening markers of {@code chain}, oldest first. */
    static List<dev.tally.audit.entry.CallOpening> openings(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT body FROM openings WHERE chain = ? ORDER BY ts, id")) {
            s.setString(1, chain);
            List<dev.tally.audit.entry.CallOpening> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!(EntryHasher.parse(rs.getBytes(1)) instanceof dev.tally.audit.entry.CallRecord record)) {
                        throw new IllegalStateException("openings row of chain '" + chain + "' is not a call record");
                    }
                    result.add(new dev.tally.audit.entry.CallOpening(record));
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

    /** The first entry with {@code id}, if any. */
    static Optional<ChainedEntry> entry(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ENTRY_COLUMNS
                + " FROM entries e WHERE e.id = ? ORDER BY e.row_id LIMIT 1")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(entryOf(rs)) : Optional.empty();
            }
        }
    }
}
