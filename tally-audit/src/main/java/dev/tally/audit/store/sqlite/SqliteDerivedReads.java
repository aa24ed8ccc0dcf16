package dev.tally.audit.store.sqlite;

import dev.tally.audit.chain.SignedHead;
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
 * The {@link DerivedRows} reads of the SQLite store. Tag rows are keyed by the entry's row id
 * here, so a tag row names its entry through a join on it.
 */
final class SqliteDerivedReads {

    private SqliteDerivedReads() {
    }

    /** {@link DerivedRows#readDerived} in one read transaction (one WAL snapshot) on {@code c}. */
    static Void readDerived(Connection c, String chain, DerivedRows.Visitor visitor) throws SQLException {
        c.setAutoCommit(false);
        try {
            visitor.anchor(SqliteReads.anchor(c, chain).orElse(null));
            try (PreparedStatement s = c.prepareStatement("SELECT " + SqliteReads.ENTRY_COLUMNS
                    + " FROM entries e WHERE e.chain = ? ORDER BY e.seq")) {
                s.setFetchSize(1_000);
                s.setString(1, chain);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        visitor.entry(SqliteReads.storedRowOf(rs));
                    }
                }
            }
            for (RollupTable table : RollupTable.values()) {
                RollupRowReads.read(c, chain, table, Long.MAX_VALUE, visitor::rollupRow);
            }
            try (PreparedStatement s = c.prepareStatement("SELECT e.seq, t.name, t.value FROM call_tags t "
                    + "JOIN entries e ON e.row_id = t.row_id WHERE e.chain = ?")) {
                s.setFetchSize(1_000);
                s.setString(1, chain);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        visitor.tagRow(new TagRow(chain, rs.getLong(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return null;
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /**
     * Call rows of {@code chain} above {@code afterSeq} before {@code before}: through the
     * {@code (ts) WHERE kind = 'call'} index (the unary {@code +} keeps SQLite off the chain's
     * seq index, which would walk every retained entry).
     */
    static Void calls(Connection c, String chain, long afterSeq, long before, Consumer<StoredRow> sink)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + SqliteReads.ENTRY_COLUMNS + " FROM entries e "
                + "WHERE e.kind = 'call' AND e.ts < ? AND +e.chain = ? AND +e.seq > ?")) {
            s.setLong(1, before);
            s.setString(2, chain);
            s.setLong(3, afterSeq);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sink.accept(SqliteReads.storedRowOf(rs));
                }
            }
        }
        return null;
    }

    /** Tag rows whose row id no entry has. */
    static long strayTagRows(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM call_tags t "
                + "WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.row_id = t.row_id)");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@link RollupRowReads#read} as a unit of work. */
    static Void rollupRows(Connection c, String chain, RollupTable table, long before,
            Consumer<dev.tally.audit.rollup.RollupRow> sink) throws SQLException {
        RollupRowReads.read(c, chain, table, before, sink);
        return null;
    }

    /**
     * {@link SnapshotReads} on {@code c}, which the caller keeps in one read transaction (auto-commit
     * off): SQLite takes the WAL snapshot at the first read and keeps it until the rollback.
     */
    record Snapshot(Connection c) implements SnapshotReads {

        @Override
        public Optional<SignedHead> anchor(String chain) throws SQLException {
            return SqliteReads.anchor(c, chain);
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
            return SqliteReads.prunableThrough(c, chain, before);
        }

        @Override
        public void calls(String chain, long afterSeq, long before, Consumer<StoredRow> sink) throws SQLException {
            SqliteDerivedReads.calls(c, chain, afterSeq, before, sink);
        }

        @Override
        public void rollupRows(String chain, RollupTable table, long before,
                Consumer<dev.tally.audit.rollup.RollupRow> sink) throws SQLException {
            RollupRowReads.read(c, chain, table, before, sink);
        }
    }
}
