package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.store.RollupRowReads;
import dev.tally.audit.store.SnapshotReads;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.TagRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@link DerivedRows} reads of the PostgreSQL store. Pruned rows stay in their partitions
 * until the day is dropped, so every read keeps only rows above the chain's anchor; a tag row
 * names its entry by chain, seq and time (its partition key).
 */
final class PostgresDerivedReads {

    private PostgresDerivedReads() {
    }

    /** {@link DerivedRows#readDerived}; the caller runs it in one repeatable-read transaction. */
    static Void readDerived(Connection c, String chain, DerivedRows.Visitor visitor) throws SQLException {
        SignedHead anchor = PostgresReads.anchor(c, chain).orElse(null);
        long from = anchor == null ? 0 : anchor.seq();
        visitor.anchor(anchor);
        try (PreparedStatement s = c.prepareStatement("SELECT " + PostgresReads.ENTRY_COLUMNS
                + " FROM entries e WHERE e.chain = ? AND e.seq > ? ORDER BY e.seq")) {
            s.setFetchSize(1_000);
            s.setString(1, chain);
            s.setLong(2, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    visitor.entry(PostgresReads.storedRowOf(rs));
                }
            }
        }
        for (RollupTable table : RollupTable.values()) {
            RollupRowReads.read(c, chain, table, Long.MAX_VALUE, visitor::rollupRow);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT t.seq, t.name, t.value FROM call_tags t "
                + "JOIN entries e ON e.chain = t.chain AND e.seq = t.seq AND e.ts = t.ts "
                + "WHERE t.chain = ? AND t.seq > ?")) {
            s.setFetchSize(1_000);
            s.setString(1, chain);
            s.setLong(2, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    visitor.tagRow(new TagRow(chain, rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return null;
    }

    /** Retained call rows of {@code chain} above {@code afterSeq} before {@code before}. */
    static Void calls(Connection c, String chain, long afterSeq, long before, Consumer<StoredRow> sink)
            throws SQLException {
        long from = Math.max(afterSeq, PostgresReads.anchorSeq(c, chain));
        try (PreparedStatement s = c.prepareStatement("SELECT " + PostgresReads.ENTRY_COLUMNS + " FROM entries e "
                + "WHERE e.kind = 'call' AND e.ts < ? AND e.chain = ? AND e.seq > ?")) {
            s.setFetchSize(1_000);
            s.setLong(1, before);
            s.setString(2, chain);
            s.setLong(3, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sink.accept(PostgresReads.storedRowOf(rs));
                }
            }
        }
        return null;
    }

    /** Tag rows above their chain's anchor whose chain, seq and time no entry has. */
    static long strayTagRows(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM call_tags t "
                + "WHERE NOT EXISTS (SELECT 1 FROM anchors a WHERE a.chain = t.chain AND a.seq >= t.seq) "
                + "AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.chain = t.chain AND e.seq = t.seq AND e.ts = t.ts)");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@link RollupRowReads#read} as a unit of work. */
    static Void rollupRows(Connection c, String chain, RollupTable table, long before, Consumer<RollupRow> sink)
            throws SQLException {
        RollupRowReads.read(c, chain, table, before, sink);
        return null;
    }

    /** {@link SnapshotReads} on {@code c}, which the caller keeps in one repeatable-read transaction. */
    record Snapshot(Connection c) implements SnapshotReads {

        @Override
        public Optional<SignedHead> anchor(String chain) throws SQLException {
            return PostgresReads.anchor(c, chain);
        }

        @Override
        public long lastSeq(String chain) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM entries WHERE chain = ?")) {
                s.setString(1, chain);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        @Override
        public Optional<ChainHead> prunableThrough(String chain, long before) throws SQLException {
            return PostgresReads.prunableThrough(c, chain, before);
        }

        @Override
        public void calls(String chain, long afterSeq, long before, Consumer<StoredRow> sink) throws SQLException {
            PostgresDerivedReads.calls(c, chain, afterSeq, before, sink);
        }

        @Override
        public void rollupRows(String chain, RollupTable table, long before, Consumer<RollupRow> sink)
                throws SQLException {
            RollupRowReads.read(c, chain, table, before, sink);
        }
    }
}
