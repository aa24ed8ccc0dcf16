package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.jdbc.DerivedReads;
import dev.tally.audit.store.jdbc.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The snapshot reads of {@link PostgresAuditStore#inSnapshot} (retention's prune plan and rollup
 * digest): the shared ones, with each chain's rollup rows as {@link FoldedRollupRows} sees them.
 * Not thread-safe: one per snapshot.
 */
final class FoldedSnapshot implements dev.tally.audit.store.SnapshotReads {

    private final Connection c;
    private final DerivedReads.Snapshot plain;
    private final Map<String, FoldedRollupRows> rollups = new java.util.HashMap<>();

    FoldedSnapshot(Connection c) {
        this.c = c;
        this.plain = new DerivedReads.Snapshot(c, Dialect.POSTGRES);
    }

    @Override
    public Optional<SignedHead> anchor(String chain) throws SQLException {
        return plain.anchor(chain);
    }

    @Override
    public long lastSeq(String chain) throws SQLException {
        return plain.lastSeq(chain);
    }

    @Override
    public Optional<ChainHead> prunableThrough(String chain, long before) throws SQLException {
        return plain.prunableThrough(chain, before);
    }

    @Override
    public void calls(String chain, long afterSeq, long before, Consumer<StoredRow> sink) throws SQLException {
        plain.calls(chain, afterSeq, before, sink);
    }

    @Override
    public void rollupRows(String chain, dev.tally.audit.rollup.RollupTable table, long before,
            Consumer<dev.tally.audit.rollup.RollupRow> sink) throws SQLException {
        rollups.computeIfAbsent(chain, ch -> new FoldedRollupRows(c, ch)).read(table, before, sink);
    }
}
