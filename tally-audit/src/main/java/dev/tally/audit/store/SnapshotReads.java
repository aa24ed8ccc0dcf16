package dev.tally.audit.store;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads of one snapshot of a store: everything read through one instance sees the same commits
 * and nothing committed after the first read (SQLite: one read transaction on one WAL snapshot;
 * PostgreSQL: one repeatable-read transaction). Handed out by {@link DerivedRows#inSnapshot} and
 * valid only while its work runs.
 *
 * <p>Not thread-safe: one thread uses an instance, inside the work it was handed to.
 */
public interface SnapshotReads {

    /** Work run against one snapshot. */
    @FunctionalInterface
    interface Work<T> {
        T run(SnapshotReads reads) throws SQLException;
    }

    /** The chain's retention anchor, if any. */
    Optional<SignedHead> anchor(String chain) throws SQLException;

    /** The seq of the chain's last entry, 0 when it has none. */
    long lastSeq(String chain) throws SQLException;

    /** {@link AuditStore#prunableThrough} at this snapshot; {@code before} in epoch ms. */
    Optional<ChainHead> prunableThrough(String chain, long before) throws SQLException;

    /** {@link DerivedRows#calls} at this snapshot. */
    void calls(String chain, long afterSeq, long before, Consumer<StoredRow> sink) throws SQLException;

    /** {@link DerivedRows#rollupRows} at this snapshot. */
    void rollupRows(String chain, RollupTable table, long before, Consumer<RollupRow> sink) throws SQLException;
}
