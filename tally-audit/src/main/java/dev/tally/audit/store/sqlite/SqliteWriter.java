package dev.tally.audit.store.sqlite;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The write path of {@link SqliteAuditStore}: one transaction per {@link WriteBatch} on the one
 * writer connection.
 *
 * <p>Ingest is the hot path, so per-row work is kept to binding values into statements that
 * are prepared once and executed as JDBC batches: the body is the canonical bytes the writer
 * already hashed ({@link ChainedEntry#canonicalBytes()}), row ids are assigned here so tag rows
 * need no round trip, rollups are summed in memory and upserted once per distinct row
 * ({@link SqliteRollupWriter}), and an
 * opening marker whose closing record is in the same batch is never written at all.
 *
 * <p>Not thread-safe: the store calls it under its writer lock.
 */
final class SqliteWriter implements AutoCloseable {

    /**
     * Entry rows inserted between two yields of the writer's thread while the writer keeps up
     * ({@link #pace}). A commit of a hundred calls holds a core for a millisecond or more; on a
     * small machine a thread of the calls themselves (the socket poller, a carrier, the provider
     * or the client) woken onto that core waits for the writer's time slice to end, and the call
     * with it. A yield every few rows (some tens of µs) lets it run first: a shorter tail for a
     * quiet gateway in bench/http (bench/README.md, "Seventh pass"). A busy one is not paced, as
     * there the yields would hand the core away for whole time slices and the writer fall behind.
     */
    static final int ROWS_PER_YIELD = 8;

    private final Connection connection;
    private volatile java.util.function.BooleanSupplier keepingUp = () -> false;
    private final SqliteAdmin admin;
    private final PreparedStatement insertEntry;
    private final PreparedStatement insertTag;
    private final PreparedStatement insertOpening;
    private final PreparedStatement deleteOpening;
    private final PreparedStatement maxRowId;
    private final PreparedStatement anyOpening;
    private final SqlitePayloads payloads;
    private final SqliteRollupWriter rollupWriter;
    private final dev.tally.audit.alert.BudgetCrossings crossings;

    SqliteWriter(Connection connection, dev.tally.audit.alert.BudgetCrossings crossings) throws SQLException {
        this.connection = connection;
        this.crossings = crossings;
        this.admin = new SqliteAdmin(connection);
        insertEntry = connection.prepareStatement("INSERT INTO entries (row_id, chain, seq, id, kind, ts, key_id, model, "
                + "provider, status, user_id, event_type, prev_hash, hash, body) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insertTag = connection.prepareStatement("INSERT INTO call_tags (name, value, row_id) VALUES (?, ?, ?)");
        insertOpening = connection.prepareStatement(
                "INSERT INTO openings (id, chain, ts, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
        deleteOpening = connection.prepareStatement("DELETE FROM openings WHERE id = ?");
        maxRowId = connection.prepareStatement("SELECT coalesce(max(row_id), 0) FROM entries");
        anyOpening = connection.prepareStatement("SELECT 1 FROM openings LIMIT 1");
        payloads = new SqlitePayloads(connection);
        rollupWriter = new SqliteRollupWriter(connection);
    }

    /** See {@link dev.tally.audit.store.ChainWrites#pace}. */
    void pace(java.util.function.BooleanSupplier keepingUp) {
        this.keepingUp = java.util.Objects.requireNonNull(keepingUp, "keepingUp");
    }

    /** Applies {@code batch} inside the caller's open transaction. */
    void write(WriteBatch batch) throws SQLException {
        Set<String> closedIds = new HashSet<>();
        for (ChainedEntry e : batch.entries()) {
            if (!e.chain().equals(batch.chain())) {
                throw new IllegalArgumentException("entries: chain '" + e.chain() + "' at seq " + e.seq()
                        + " (expected: the batch's chain '" + batch.chain() + "')");
            }
            if (e.entry() instanceof CallRecord) {
                closedIds.add(e.entry().id());
            }
        }
        if (!batch.entries().isEmpty()) {
            checkContinues(batch);
        }
        insertOpenings(batch, closedIds);
        insertEntries(batch);
        deleteOpenings(closedIds);
        payloads.insert(batch.payloads(), closedIds);
        for (AdminChange change : batch.changes()) {
            admin.apply(change);
        }
        dev.tally.audit.store.HeadRows.insertCheckpoints(connection, batch);
        crossings.write(connection, batch); // budget alerts: after the rollups, in this transaction
    }

    /** The batch must continue its chain: no gap, no overlap, linked by hash. */
    private void checkContinues(WriteBatch batch) throws SQLException {
        ChainHead head = head(batch.chain());
        long expected = head.seq() + 1;
        String prev = head.hash();
        for (ChainedEntry e : batch.entries()) {
            if (e.seq() != expected) {
                throw new IllegalArgumentException("entries: seq " + e.seq() + " of chain '" + batch.chain()
                        + "' (expected: " + expected + ", the chain's next seq)");
            }
            if (!e.prevHash().equals(prev)) {
                throw new IllegalArgumentException("entries: prev_hash " + e.prevHash() + " at seq " + e.seq()
                        + " (expected: " + prev + ", the hash before it)");
            }
            expected++;
            prev = e.hash();
        }
    }

    ChainHead head(String chain) throws SQLException {
        return SqliteReads.head(connection, chain);
    }

    private void insertOpenings(WriteBatch batch, Set<String> closedIds) throws SQLException {
        int pending = 0;
        for (CallOpening opening : batch.openings()) {
            if (closedIds.contains(opening.id())) {
                continue; // opened and closed in this very transaction: the marker would be deleted again
            }
            insertOpening.setString(1, opening.id());
            insertOpening.setString(2, batch.chain());
            insertOpening.setLong(3, opening.record().startedAt().toEpochMilli());
            insertOpening.setBytes(4, EntryHasher.canonicalBytes(opening.record()));
            insertOpening.addBatch();
            pending++;
        }
        if (pending > 0) {
            insertOpening.executeBatch();
        }
    }

    private void insertEntries(WriteBatch batch) throws SQLException {
        if (batch.entries().isEmpty()) {
            return;
        }
        long rowId;
        try (ResultSet rs = maxRowId.executeQuery()) {
            rs.next();
            rowId = rs.getLong(1);
        }
        RollupBatch rollups = new RollupBatch();
        int tags = 0;
        int unsent = 0;
        int sinceYield = 0;
        java.util.function.BooleanSupplier paced = keepingUp;
        for (ChainedEntry e : batch.entries()) {
            rowId++;
            IndexColumns c = IndexColumns.of(e.entry());
            insertEntry.setLong(1, rowId);
            insertEntry.setString(2, e.chain());
            insertEntry.setLong(3, e.seq());
            insertEntry.setString(4, c.id());
            insertEntry.setString(5, c.kind());
            insertEntry.setLong(6, c.ts());
            setNullable(insertEntry, 7, c.keyId());
            setNullable(insertEntry, 8, c.model());
            setNullable(insertEntry, 9, c.provider());
            setNullable(insertEntry, 10, c.status());
            setNullable(insertEntry, 11, c.user());
            setNullable(insertEntry, 12, c.eventType());
            insertEntry.setString(13, e.prevHash());
            insertEntry.setString(14, e.hash());
            insertEntry.setBytes(15, e.canonicalBytes());
            insertEntry.addBatch();
            unsent++;
            if (++sinceYield == ROWS_PER_YIELD) {
                sinceYield = 0;
                if (paced.getAsBoolean()) {
                    insertEntry.executeBatch(); // the rows so far, then the core for whoever waits for it
                    unsent = 0;
                    Thread.yield();
                }
            }
            if (e.entry() instanceof CallRecord call) {
                rollups.add(batch.chain(), call);
                for (Map.Entry<String, String> tag : call.tags().entrySet()) {
                    insertTag.setString(1, tag.getKey());
                    insertTag.setString(2, tag.getValue());
                    insertTag.setLong(3, rowId);
                    insertTag.addBatch();
                    tags++;
                }
            }
        }
        if (unsent > 0) {
            insertEntry.executeBatch();
        }
        if (tags > 0) {
            insertTag.executeBatch();
        }
        rollupWriter.write(rollups);
    }

    /** The batch's transaction committed: what it wrote is now the stored state. */
    void committed() {
        rollupWriter.committed();
        crossings.committed();
    }

    /** The batch's transaction was rolled back. */
    void rolledBack() {
        rollupWriter.rolledBack();
        crossings.rolledBack();
    }

    private void deleteOpenings(Set<String> closedIds) throws SQLException {
        if (closedIds.isEmpty()) {
            return;
        }
        try (ResultSet rs = anyOpening.executeQuery()) {
            if (!rs.next()) {
                return; // no marker is waiting (e.g. all opened and closed within this batch)
            }
        }
        for (String id : closedIds) {
            deleteOpening.setString(1, id);
            deleteOpening.addBatch();
        }
        deleteOpening.executeBatch();
    }

    static void setNullable(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement s : new PreparedStatement[] {insertEntry, insertTag, insertOpening, deleteOpening,
                maxRowId, anyOpening}) {
            s.close();
        }
        admin.close();
        payloads.close();
        rollupWriter.close();
    }
}
