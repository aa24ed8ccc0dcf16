package dev.tally.audit.store;

import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.chain.SignedHead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjLongConsumer;

/**
 * The SQL of signed heads (tables {@code checkpoints} and {@code anchors}, schema version 2) and
 * of the hash-only reads the Merkle tree needs, the same on SQLite and PostgreSQL. Each method
 * runs on the caller's connection and transaction.
 *
 * <p>A frontier is stored as its subtree hashes in hex, largest first, joined by commas (empty
 * text for size 0); its size is the head's seq. Rows from schema version 1 have a NULL root and
 * frontier.
 *
 * <p>Thread-safe: stateless.
 */
public final class HeadRows {

    private static final String CHECKPOINT_COLUMNS =
            "chain, seq, hash, at, key_id, signature, root, prev_head, closed, next_key, NULL";
    private static final String ANCHOR_COLUMNS =
            "chain, seq, hash, at, key_id, signature, root, NULL, NULL, NULL, rollup_digest";

    private HeadRows() {
    }

    /** The chain's checkpoints in seq order. */
    public static List<SignedHead> checkpoints(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + CHECKPOINT_COLUMNS
                + " FROM checkpoints WHERE chain = ? ORDER BY seq")) {
            s.setString(1, chain);
            List<SignedHead> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(head(SignedHead.Purpose.CHECKPOINT, rs));
                }
            }
            return result;
        }
    }

    /** The checkpoint with the largest seq at or below {@code seq}. */
    public static Optional<SignedHead> checkpointAtOrBefore(Connection c, String chain, long seq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + CHECKPOINT_COLUMNS
                + " FROM checkpoints WHERE chain = ? AND seq <= ? ORDER BY seq DESC LIMIT 1")) {
            s.setString(1, chain);
            s.setLong(2, seq);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(head(SignedHead.Purpose.CHECKPOINT, rs)) : Optional.empty();
            }
        }
    }

    /** The chain's retention anchor. */
    public static Optional<SignedHead> anchor(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ANCHOR_COLUMNS + " FROM anchors WHERE chain = ?")) {
            s.setString(1, chain);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(head(SignedHead.Purpose.ANCHOR, rs)) : Optional.empty();
            }
        }
    }

    /** The frontier stored with the checkpoint or the anchor at exactly {@code seq}. */
    public static Optional<MerkleFrontier> frontier(Connection c, String chain, long seq) throws SQLException {
        for (String table : List.of("checkpoints", "anchors")) {
            try (PreparedStatement s = c.prepareStatement("SELECT frontier FROM " + table // a constant, never input
                    + " WHERE chain = ? AND seq = ?")) {
                s.setString(1, chain);
                s.setLong(2, seq);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        return Optional.of(parseFrontier(table, chain, seq, rs.getString(1)));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Streams (hash, seq) of the entries with {@code fromSeq <= seq <= toSeq} and above
     * {@code anchorSeq}, in seq order, reading only those two columns.
     */
    public static void entryHashes(Connection c, String chain, long anchorSeq, long fromSeq, long toSeq,
            ObjLongConsumer<String> sink) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT seq, hash FROM entries WHERE chain = ? AND seq >= ? AND seq <= ? ORDER BY seq")) {
            s.setFetchSize(5_000);
            s.setString(1, chain);
            s.setLong(2, Math.max(fromSeq, anchorSeq + 1));
            s.setLong(3, toSeq);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs.getString(2), rs.getLong(1));
                }
            }
        }
    }

    /**
     * Inserts the batch's checkpoints with their frontiers. A checkpoint at a seq that has one
     * already replaces it: that is the clean close marking the head it would otherwise repeat
     * (never two heads at one seq).
     */
    public static void insertCheckpoints(Connection c, WriteBatch batch) throws SQLException {
        if (batch.checkpoints().isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO checkpoints (chain, seq, hash, at, key_id, signature,"
                + " root, prev_head, closed, next_key, frontier) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (chain, seq) DO UPDATE SET hash = excluded.hash, at = excluded.at,"
                + " key_id = excluded.key_id, signature = excluded.signature, root = excluded.root,"
                + " prev_head = excluded.prev_head, closed = excluded.closed, next_key = excluded.next_key,"
                + " frontier = excluded.frontier")) {
            for (SignedHead h : batch.checkpoints()) {
                if (h.purpose() != SignedHead.Purpose.CHECKPOINT) {
                    throw new IllegalArgumentException("checkpoints: purpose " + h.purpose() + " (expected: CHECKPOINT)");
                }
                List<String> frontier = batch.frontiers().get(h.seq());
                if (frontier != null && frontier.size() != Long.bitCount(h.seq())) {
                    throw new IllegalArgumentException("frontier at seq " + h.seq() + ": " + frontier.size()
                            + " hashes (expected: " + Long.bitCount(h.seq()) + ")");
                }
                s.setString(1, h.chain());
                s.setLong(2, h.seq());
                s.setString(3, h.hash());
                s.setLong(4, h.at().toEpochMilli());
                setNullable(s, 5, h.keyId());
                setNullable(s, 6, h.signature());
                setNullable(s, 7, h.root());
                setNullable(s, 8, h.prevHead());
                s.setBoolean(9, h.closed());
                setNullable(s, 10, h.nextKey());
                setNullable(s, 11, frontier == null ? null : String.join(",", frontier));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * The checkpoint side of a prune through {@code anchorSeq}: deletes the checkpoints before the
     * newest one at or below the anchor, so the first kept checkpoint's predecessor is the one the
     * signed prev_head links name for the retained heads.
     */
    public static void pruneCheckpoints(Connection c, String chain, long anchorSeq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM checkpoints WHERE chain = ? AND seq < coalesce("
                + "(SELECT max(seq) FROM checkpoints WHERE chain = ? AND seq <= ?), ?)")) {
            s.setString(1, chain);
            s.setString(2, chain);
            s.setLong(3, anchorSeq);
            s.setLong(4, anchorSeq);
            s.executeUpdate();
        }
    }

    /** Stores {@code anchor} (with its root, frontier and rollup digest) as the chain's anchor. */
    public static void upsertAnchor(Connection c, SignedHead anchor, List<String> frontier) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO anchors (chain, seq, hash, at, key_id, signature, "
                + "root, frontier, rollup_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chain) DO UPDATE SET"
                + " seq = excluded.seq, hash = excluded.hash, at = excluded.at, key_id = excluded.key_id,"
                + " signature = excluded.signature, root = excluded.root, frontier = excluded.frontier,"
                + " rollup_digest = excluded.rollup_digest")) {
            if (anchor.prevHead() != null || anchor.closed() || anchor.nextKey() != null) {
                throw new IllegalArgumentException("anchor: prev_head, closed and next_key must be unset (expected:"
                        + " an anchor carries chain, seq, hash, root, rollup digest and time)");
            }
            if (frontier != null && frontier.size() != Long.bitCount(anchor.seq())) {
                throw new IllegalArgumentException("anchor frontier: " + frontier.size() + " hashes (expected: "
                        + Long.bitCount(anchor.seq()) + " for seq " + anchor.seq() + ")");
            }
            s.setString(1, anchor.chain());
            s.setLong(2, anchor.seq());
            s.setString(3, anchor.hash());
            s.setLong(4, anchor.at().toEpochMilli());
            setNullable(s, 5, anchor.keyId());
            setNullable(s, 6, anchor.signature());
            setNullable(s, 7, anchor.root());
            setNullable(s, 8, frontier == null ? null : String.join(",", frontier));
            setNullable(s, 9, anchor.rollupDigest());
            s.executeUpdate();
        }
    }

    private static MerkleFrontier parseFrontier(String table, String chain, long seq, String text) {
        List<String> hex = text.isEmpty() ? List.of() : Arrays.asList(text.split(","));
        try {
            return MerkleFrontier.of(seq, hex);
        } catch (IllegalArgumentException e) {
            throw new StoreException(table + " of chain " + chain + " at seq " + seq + ": stored frontier is not valid ("
                    + e.getMessage() + ")", e);
        }
    }

    private static SignedHead head(SignedHead.Purpose purpose, ResultSet rs) throws SQLException {
        String root = rs.getString(7);
        boolean v2 = root != null;
        return new SignedHead(purpose, rs.getString(1), rs.getLong(2), rs.getString(3), root,
                v2 ? rs.getString(8) : null, v2 && rs.getBoolean(9), v2 ? rs.getString(10) : null, Instant.ofEpochMilli(rs.getLong(4)),
                rs.getString(5), rs.getString(6), root == null ? null : rs.getString(11));
    }

    private static void setNullable(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }
}
