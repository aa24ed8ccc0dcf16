package dev.tally.audit.store.jdbc;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.store.HeadRows;
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
 * The {@link DerivedRows} reads of both stores: a chain's anchor, retained entries, rollup rows
 * and tag rows, streamed through cursors. The caller keeps {@code c} in one read transaction (one
 * SQLite WAL snapshot, one PostgreSQL repeatable-read snapshot). How a tag row names its entry and
 * which index a scan by time uses is the {@link Dialect}'s. Part of the JDBC core; not API.
 * Stateless.
 */
public final class DerivedReads {

    private DerivedReads() {
    }

    /** Where a chain's rollup rows come from: the rows as stored, or a store's view of them. */
    @FunctionalInterface
    public interface RollupSource {
        /** Streams the chain's rows of {@code table} whose bucket starts before {@code before}. */
        void read(RollupTable table, long before, Consumer<RollupRow> sink) throws SQLException;
    }

    /** {@link DerivedRows#readDerived} on {@code c}, inside the caller's read transaction. */
    public static Void readDerived(Connection c, Dialect dialect, String chain, DerivedRows.Visitor visitor)
            throws SQLException {
        return readDerived(c, dialect, chain, visitor, (table, before, sink) -> RollupRowReads.read(c, chain, table,
                before, sink));
    }

    /** {@link #readDerived(Connection, Dialect, String, DerivedRows.Visitor)} with the rollup rows of {@code rollups}. */
    public static Void readDerived(Connection c, Dialect dialect, String chain, DerivedRows.Visitor visitor,
            RollupSource rollups) throws SQLException {
        SignedHead anchor = HeadRows.anchor(c, chain).orElse(null);
        long from = anchor == null ? 0 : anchor.seq();
        visitor.anchor(anchor);
        ChainRows.scanFrom(c, dialect, chain, from + 1, visitor::entry);
        for (RollupTable table : RollupTable.values()) {
            rollups.read(table, Long.MAX_VALUE, visitor::rollupRow);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT e.seq, t.name, t.value FROM call_tags t "
                + "JOIN entries e ON " + dialect.tagJoin() + " WHERE e.chain = ? AND e.seq > ?")) {
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

    /** Retained call rows of {@code chain} above {@code afterSeq} made before {@code before} (epoch ms). */
    public static Void calls(Connection c, Dialect dialect, String chain, long afterSeq, long before,
            Consumer<StoredRow> sink) throws SQLException {
        long from = Math.max(afterSeq, ChainRows.anchorSeq(c, chain));
        try (PreparedStatement s = c.prepareStatement("SELECT " + dialect.entryColumns() + " FROM entries e "
                + "WHERE e.kind = 'call' AND e.ts < ? AND " + dialect.chainAfter())) {
            s.setFetchSize(1_000);
            s.setLong(1, before);
            s.setString(2, chain);
            s.setLong(3, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sink.accept(dialect.storedRowOf(rs));
                }
            }
        }
        return null;
    }

    /** Retained tag rows whose entry is missing. */
    public static long strayTagRows(Connection c, Dialect dialect) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM call_tags t WHERE " + dialect.strayTags());
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@link RollupRowReads#read} as a unit of work. */
    public static Void rollupRows(Connection c, String chain, RollupTable table, long before, Consumer<RollupRow> sink)
            throws SQLException {
        RollupRowReads.read(c, chain, table, before, sink);
        return null;
    }

    /** {@link SnapshotReads} on {@code c}, which the caller keeps in one read transaction. */
    public record Snapshot(Connection c, Dialect dialect) implements SnapshotReads {

        @Override
        public Optional<SignedHead> anchor(String chain) throws SQLException {
            return HeadRows.anchor(c, chain);
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
            return ChainRows.prunableThrough(c, chain, before);
        }

        @Override
        public void calls(String chain, long afterSeq, long before, Consumer<StoredRow> sink) throws SQLException {
            DerivedReads.calls(c, dialect, chain, afterSeq, before, sink);
        }

        @Override
        public void rollupRows(String chain, RollupTable table, long before, Consumer<RollupRow> sink)
                throws SQLException {
            RollupRowReads.read(c, chain, table, before, sink);
        }
    }
}
