package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The write path of {@link PostgresAuditStore}: one transaction per {@link WriteBatch}.
 *
 * <p>The batch first takes its chain's transaction-scoped advisory lock, so two processes that
 * were (wrongly) given the same chain serialize and the second fails the continuity check
 * instead of forking the chain; different chains (instances) never wait for each other.
 * Entries and their tag rows go in with one binary {@code COPY} each ({@link BinaryCopy}): the
 * fastest way into PostgreSQL, and safe without {@code ON CONFLICT} because (chain, seq) is
 * unique by the continuity check under the lock. Openings and payloads, which may legitimately
 * repeat an id and are skipped then, stay batched {@code INSERT ... ON CONFLICT DO NOTHING}
 * (rewritten by the driver into multi-row INSERTs). The batch does not touch the usage rollups:
 * its call entries are counted there later by {@link RollupFolder}, and until then every reader
 * adds them itself ({@link UnfoldedCalls}); the rollup upserts used to cost the writer about as
 * much as the entries. A retention prune folds its chain through the new anchor in this
 * transaction first, so no call is hidden or dropped before it is counted. The chain's head row
 * is updated last, in the same transaction, in one round trip with the delete of the openings
 * the batch closed (left out when the chain had none stored as the batch took its lock).
 * Statements that do not depend on each other's results go to the server together as one
 * multi-statement (pgjdbc pipelines them, one sync): on a busy machine each round trip costs two
 * process wake-ups, and a batch used to make some twenty of them. Once a
 * batch committed, its calls are summed in memory ({@link WrittenRollups}) so this store's next
 * fold need not read them back.
 *
 * <p>Not thread-safe: the store calls it under its writer lock.
 */
final class PostgresWriter {

    private static final String INSERT_OPENING = "INSERT INTO openings (id, chain, ts, body) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (id) DO NOTHING";
    private static final String[] ENTRY_COLUMNS = {"chain", "seq", "ts", "id", "kind", "key_id", "model", "provider",
        "status", "user_id", "event_type", "prev_hash", "hash", "body"};
    private static final String[] TAG_COLUMNS = {"name", "value", "ts", "chain", "seq"};

    private boolean pruned;
    // Reused by every batch (reset before each): see BinaryCopy, "One buffer for every batch".
    private final BinaryCopy entryRows = new BinaryCopy("entries", ENTRY_COLUMNS);
    private final BinaryCopy tagRows = new BinaryCopy("call_tags", TAG_COLUMNS);
    private final dev.tally.audit.alert.BudgetCrossings crossings;
    private final WrittenRollups written;
    private WriteBatch open; // the batch of the open transaction

    PostgresWriter(dev.tally.audit.alert.BudgetCrossings crossings, WrittenRollups written) {
        this.crossings = crossings;
        this.written = written;
    }

    /** Applies {@code batch} inside the caller's open transaction on {@code c}. */
    void write(Connection c, WriteBatch batch) throws SQLException {
        pruned = false;
        open = batch;
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
        Locked locked = lockAndReadHead(c, batch.chain());
        ChainHead head = locked.head();
        if (!batch.entries().isEmpty()) {
            checkContinues(batch, head);
        }
        insertOpenings(c, batch, closedIds);
        insertEntries(c, batch);
        PostgresPayloads.insert(c, batch.payloads(), closedIds);
        PostgresAdmin admin = new PostgresAdmin(c);
        for (AdminChange change : batch.changes()) {
            if (change instanceof AdminChange.Prune prune) {
                // Count every call the prune hides (and may later drop) before hiding it.
                RollupFolder.fold(c, prune.anchor().chain(), prune.anchor().seq(), Integer.MAX_VALUE, true);
            }
            admin.apply(change);
        }
        pruned = admin.pruned();
        dev.tally.audit.store.HeadRows.insertCheckpoints(c, batch);
        // Only this chain's writer adds its openings, under the lock held now; if it had none when
        // the lock was taken, the calls this batch closes left no marker (those opened in this very
        // batch were never inserted), and the delete, which costs a batch of a thousand calls about
        // 0.8 ms even when nothing matches, is left out. As the SQLite store does.
        finish(c, batch, locked.openings() ? closedIds : Set.of());
        // Budget alerts, in this transaction: the spend is read from the rollups plus the unfolded
        // calls of every chain up to its head, so after the head moved to this batch's last entry.
        crossings.write(c, batch);
    }

    /** Whether the last written batch pruned a chain. */
    boolean pruned() {
        return pruned;
    }

    /** The batch's transaction committed: what it wrote is now the stored state. */
    void committed() {
        crossings.committed();
        if (open != null) {
            written.committed(open, pruned); // its calls' sums, for this store's next fold
            open = null;
        }
    }

    /** The batch's transaction was rolled back (or its outcome is unknown). */
    void rolledBack() {
        crossings.rolledBack();
        open = null;
    }

    /** The chain's head under its lock, and whether any opening of the chain was stored then. */
    private record Locked(ChainHead head, boolean openings) {
    }

    /**
     * Takes the chain's advisory lock, reads its head and whether it has openings stored, in one
     * round trip: the statements go to the server together and run in order, so both reads are
     * made under the lock (a statement's snapshot is taken when it starts, in READ COMMITTED).
     */
    private static Locked lockAndReadHead(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(1952541817, hashtext(?));\n"
                + "SELECT seq, hash FROM chain_heads WHERE chain = ?;\n"
                + "SELECT EXISTS (SELECT 1 FROM openings WHERE chain = ?)")) {
            s.setString(1, chain);
            s.setString(2, chain);
            s.setString(3, chain);
            s.execute();
            if (!s.getMoreResults()) {
                throw new IllegalStateException("chain head of '" + chain + "': no result (expected: the head's row set)");
            }
            ChainHead head = null;
            try (ResultSet rs = s.getResultSet()) {
                if (rs.next()) {
                    head = new ChainHead(rs.getLong(1), rs.getString(2));
                }
            }
            if (!s.getMoreResults()) {
                throw new IllegalStateException("openings of '" + chain + "': no result (expected: one row)");
            }
            boolean openings;
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                openings = rs.getBoolean(1);
            }
            // No head row yet: the anchor or genesis.
            return new Locked(head != null ? head : PostgresReads.head(c, chain), openings);
        }
    }

    /** The batch must continue its chain: no gap, no overlap, linked by hash. */
    private static void checkContinues(WriteBatch batch, ChainHead head) {
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

    private static void insertOpenings(Connection c, WriteBatch batch, Set<String> closedIds) throws SQLException {
        if (batch.openings().isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(INSERT_OPENING)) {
            int pending = 0;
            for (CallOpening opening : batch.openings()) {
                if (closedIds.contains(opening.id())) {
                    continue; // opened and closed in this very transaction
                }
                s.setString(1, opening.id());
                s.setString(2, batch.chain());
                s.setLong(3, opening.record().startedAt().toEpochMilli());
                s.setBytes(4, EntryHasher.canonicalBytes(opening.record()));
                s.addBatch();
                pending++;
            }
            if (pending > 0) {
                s.executeBatch();
            }
        }
    }

    private void insertEntries(Connection c, WriteBatch batch) throws SQLException {
        if (batch.entries().isEmpty()) {
            return;
        }
        BinaryCopy entries = entryRows.reset();
        BinaryCopy tags = tagRows.reset();
        for (ChainedEntry e : batch.entries()) {
            IndexColumns col = IndexColumns.of(e.entry());
            entries.row().text(e.chain()).int8(e.seq()).int8(col.ts()).text(col.id()).text(col.kind())
                    .text(col.keyId()).text(col.model()).text(col.provider()).text(col.status()).text(col.user())
                    .text(col.eventType()).text(e.prevHash()).text(e.hash()).bytes(e.canonicalBytes());
            if (e.entry() instanceof CallRecord call) {
                for (Map.Entry<String, String> t : call.tags().entrySet()) {
                    tags.row().text(t.getKey()).text(t.getValue()).int8(col.ts()).text(e.chain()).int8(e.seq());
                }
            }
        }
        entries.copyInto(c);
        tags.copyInto(c);
    }

    /**
     * Deletes the openings the batch closed and moves the chain's head row, in one round trip
     * when both are due (two statements sent together, run in order).
     */
    private void finish(Connection c, WriteBatch batch, Set<String> closedIds) throws SQLException {
        boolean delete = !closedIds.isEmpty();
        boolean moveHead = !batch.entries().isEmpty();
        if (!delete && !moveHead) {
            return;
        }
        String sql = (delete ? "DELETE FROM openings WHERE id = ANY (?)" : "") + (delete && moveHead ? ";\n" : "")
                + (moveHead ? "INSERT INTO chain_heads (chain, seq, hash) VALUES (?, ?, ?) "
                        + "ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash" : "");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int p = 1;
            if (delete) {
                s.setArray(p++, c.createArrayOf("text", closedIds.toArray()));
            }
            if (moveHead) {
                ChainedEntry last = batch.entries().getLast();
                s.setString(p++, batch.chain());
                s.setLong(p++, last.seq());
                s.setString(p, last.hash());
            }
            s.execute();
            while (s.getMoreResults() || s.getUpdateCount() != -1) {
                // drain both outcomes
            }
        }
    }
}
