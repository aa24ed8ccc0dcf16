package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.rollup.LatencyHistogram;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.rollup.UsageTotals;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The write path of {@link PostgresAuditStore}: one transaction per {@link WriteBatch}.
 *
 * <p>The batch first takes its chain's transaction-scoped advisory lock, so two processes that
 * were (wrongly) given the same chain serialize and the second fails the continuity check
 * instead of forking the chain; different chains (instances) never wait for each other. Rows
 * go in as JDBC batches, which the driver rewrites into multi-row INSERTs
 * ({@code reWriteBatchedInserts=true}). Rollups are summed in memory per distinct row and
 * upserted with {@code INSERT ... ON CONFLICT DO UPDATE}; counts and sums add up in SQL, while
 * histograms are merged in Java with the stored ones ({@link KnownHistograms}), as in SQLite.
 * The chain's head row is updated last, in the same transaction.
 *
 * <p>Not thread-safe: the store calls it under its writer lock.
 */
final class PostgresWriter {

    private static final String INSERT_ENTRY = "INSERT INTO entries (chain, seq, ts, id, kind, key_id, model, "
            + "provider, status, user_id, event_type, prev_hash, hash, body) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TAG = "INSERT INTO call_tags (name, value, ts, chain, seq) VALUES (?, ?, ?, ?, ?)";
    private static final String INSERT_OPENING = "INSERT INTO openings (id, chain, ts, body) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (id) DO NOTHING";
    private static final String MEASURES = "calls, input_tokens, cached_input_tokens, cache_write_tokens, "
            + "output_tokens, reasoning_tokens, cost_micros, unpriced_calls, latency_count, latency_sum, latency_hist, "
            + "ttft_count, ttft_sum, ttft_hist";
    private static final int MEASURE_COUNT = 14;
    private static final String STATUS_COLUMNS = "success, errors, refused, cancelled, interrupted";
    private static final String ADD_MEASURES = " DO UPDATE SET calls = t.calls + excluded.calls, "
            + "input_tokens = t.input_tokens + excluded.input_tokens, "
            + "cached_input_tokens = t.cached_input_tokens + excluded.cached_input_tokens, "
            + "cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens, "
            + "output_tokens = t.output_tokens + excluded.output_tokens, "
            + "reasoning_tokens = t.reasoning_tokens + excluded.reasoning_tokens, "
            + "cost_micros = t.cost_micros + excluded.cost_micros, "
            + "unpriced_calls = t.unpriced_calls + excluded.unpriced_calls, "
            + "latency_count = t.latency_count + excluded.latency_count, "
            + "latency_sum = t.latency_sum + excluded.latency_sum, latency_hist = excluded.latency_hist, "
            + "ttft_count = t.ttft_count + excluded.ttft_count, "
            + "ttft_sum = t.ttft_sum + excluded.ttft_sum, ttft_hist = excluded.ttft_hist";
    private static final String ADD_STATUSES = ", success = t.success + excluded.success, "
            + "errors = t.errors + excluded.errors, refused = t.refused + excluded.refused, "
            + "cancelled = t.cancelled + excluded.cancelled, interrupted = t.interrupted + excluded.interrupted";

    /** Upsert and histogram-select SQL per rollup table, built from its key columns (fixed names). */
    private static final Map<RollupTable, String[]> SQL = new EnumMap<>(RollupTable.class);

    static {
        for (RollupTable table : RollupTable.values()) {
            List<String> key = table.keyColumns();
            String keyList = String.join(", ", key);
            int parameters = key.size() + MEASURE_COUNT + (table.statusColumns() ? 5 : 0);
            String upsert = "INSERT INTO " + table.tableName() + " AS t (" + keyList + ", " + MEASURES
                    + (table.statusColumns() ? ", " + STATUS_COLUMNS : "") + ") VALUES (" + marks(parameters)
                    + ") ON CONFLICT (" + keyList + ")" + ADD_MEASURES + (table.statusColumns() ? ADD_STATUSES : "");
            String select = "SELECT latency_hist, ttft_hist FROM " + table.tableName() + " WHERE "
                    + String.join(" = ? AND ", key) + " = ?";
            SQL.put(table, new String[] {upsert, select});
        }
    }

    private final Map<RollupTable, KnownHistograms> known = new EnumMap<>(RollupTable.class);
    /** The head this writer last committed per chain, to notice another writer on the same chain. */
    private final Map<String, ChainHead> lastCommitted = new HashMap<>();
    private final Map<String, ChainHead> pendingHeads = new HashMap<>();
    private boolean pruned;

    PostgresWriter() {
        for (RollupTable table : RollupTable.values()) {
            known.put(table, new KnownHistograms());
        }
    }

    /** Applies {@code batch} inside the caller's open transaction on {@code c}. */
    void write(Connection c, WriteBatch batch) throws SQLException {
        pruned = false;
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
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(1952541817, hashtext(?))")) {
            lock.setString(1, batch.chain());
            lock.execute();
        }
        ChainHead head = PostgresReads.head(c, batch.chain());
        ChainHead mine = lastCommitted.get(batch.chain());
        if (mine != null && !mine.equals(head)) {
            // Someone else wrote this chain since our last commit: what we remember may be stale.
            known.values().forEach(KnownHistograms::clear);
        }
        if (!batch.entries().isEmpty()) {
            checkContinues(batch, head);
        }
        insertOpenings(c, batch, closedIds);
        insertEntries(c, batch);
        deleteOpenings(c, closedIds);
        PostgresPayloads.insert(c, batch.payloads(), closedIds);
        PostgresAdmin admin = new PostgresAdmin(c);
        for (AdminChange change : batch.changes()) {
            admin.apply(change);
        }
        pruned = admin.pruned();
        dev.tally.audit.store.HeadRows.insertCheckpoints(c, batch);
        if (!batch.entries().isEmpty()) {
            ChainedEntry last = batch.entries().getLast();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO chain_heads (chain, seq, hash) VALUES (?, ?, ?) "
                    + "ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash")) {
                s.setString(1, batch.chain());
                s.setLong(2, last.seq());
                s.setString(3, last.hash());
                s.executeUpdate();
            }
            pendingHeads.put(batch.chain(), new ChainHead(last.seq(), last.hash()));
        }
    }

    /** Whether the last written batch pruned a chain. */
    boolean pruned() {
        return pruned;
    }

    /** The batch's transaction committed: what it wrote is now the stored state. */
    void committed() {
        known.values().forEach(KnownHistograms::commit);
        lastCommitted.putAll(pendingHeads);
        pendingHeads.clear();
    }

    /** The batch's transaction was rolled back (or its outcome is unknown). */
    void rolledBack() {
        known.values().forEach(KnownHistograms::rollback);
        pendingHeads.clear();
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
        RollupBatch rollups = new RollupBatch();
        int tags = 0;
        try (PreparedStatement insert = c.prepareStatement(INSERT_ENTRY);
                PreparedStatement tag = c.prepareStatement(INSERT_TAG)) {
            for (ChainedEntry e : batch.entries()) {
                IndexColumns col = IndexColumns.of(e.entry());
                insert.setString(1, e.chain());
                insert.setLong(2, e.seq());
                insert.setLong(3, col.ts());
                insert.setString(4, col.id());
                insert.setString(5, col.kind());
                PostgresReads.setNullable(insert, 6, col.keyId());
                PostgresReads.setNullable(insert, 7, col.model());
                PostgresReads.setNullable(insert, 8, col.provider());
                PostgresReads.setNullable(insert, 9, col.status());
                PostgresReads.setNullable(insert, 10, col.user());
                PostgresReads.setNullable(insert, 11, col.eventType());
                insert.setString(12, e.prevHash());
                insert.setString(13, e.hash());
                insert.setBytes(14, e.canonicalBytes());
                insert.addBatch();
                if (e.entry() instanceof CallRecord call) {
                    rollups.add(batch.chain(), call);
                    for (Map.Entry<String, String> t : call.tags().entrySet()) {
                        tag.setString(1, t.getKey());
                        tag.setString(2, t.getValue());
                        tag.setLong(3, col.ts());
                        tag.setString(4, e.chain());
                        tag.setLong(5, e.seq());
                        tag.addBatch();
                        tags++;
                    }
                }
            }
            insert.executeBatch();
            if (tags > 0) {
                tag.executeBatch();
            }
        }
        for (RollupTable table : RollupTable.values()) {
            upsert(c, rollups.rows(table), table, known.get(table));
        }
    }

    private static void upsert(Connection c, Map<RollupKey, UsageTotals> rows, RollupTable table,
            KnownHistograms known) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement(SQL.get(table)[0]);
                PreparedStatement select = c.prepareStatement(SQL.get(table)[1])) {
            for (Map.Entry<RollupKey, UsageTotals> row : rows.entrySet()) {
                RollupKey k = row.getKey();
                UsageTotals t = row.getValue();
                byte[][] stored = known.get(k);
                if (stored == null) {
                    bindKey(select, k, table);
                    try (ResultSet rs = select.executeQuery()) {
                        stored = rs.next() ? new byte[][] {rs.getBytes(1), rs.getBytes(2)} : new byte[2][];
                    }
                }
                byte[] latency = histogramBytes(merged(t.latency(), stored[0]));
                byte[] ttft = histogramBytes(merged(t.ttft(), stored[1]));
                int i = bindKey(upsert, k, table);
                upsert.setLong(i++, t.calls());
                upsert.setLong(i++, t.inputTokens());
                upsert.setLong(i++, t.cachedInputTokens());
                upsert.setLong(i++, t.cacheWriteTokens());
                upsert.setLong(i++, t.outputTokens());
                upsert.setLong(i++, t.reasoningTokens());
                upsert.setLong(i++, t.costMicros());
                upsert.setLong(i++, t.unpricedCalls());
                upsert.setLong(i++, t.latency().count());
                upsert.setLong(i++, t.latency().sum());
                setBytes(upsert, i++, latency);
                upsert.setLong(i++, t.ttft().count());
                upsert.setLong(i++, t.ttft().sum());
                setBytes(upsert, i++, ttft);
                if (table.statusColumns()) {
                    for (CallStatus status : CallStatus.values()) {
                        upsert.setLong(i++, t.statusCalls(status));
                    }
                }
                upsert.addBatch();
                known.put(k, latency, ttft);
            }
            upsert.executeBatch();
        }
    }

    /** Binds {@code k}'s key columns in table order from parameter 1; returns the next index. */
    private static int bindKey(PreparedStatement s, RollupKey k, RollupTable table) throws SQLException {
        int i = 1;
        for (String column : table.keyColumns()) {
            switch (column) {
                case "hour", "day" -> s.setLong(i++, k.hour());
                case "chain" -> s.setString(i++, k.chain());
                case "tag_name" -> s.setString(i++, k.tagName());
                case "tag_value" -> s.setString(i++, k.tagValue());
                case "key_id" -> s.setString(i++, k.keyId());
                case "model" -> s.setString(i++, k.model());
                case "provider" -> s.setString(i++, k.provider());
                case "user_id" -> s.setString(i++, k.user());
                case "status" -> s.setString(i++, k.status());
                default -> throw new IllegalStateException("rollup key column: '" + column + "' (expected: a known one)");
            }
        }
        return i;
    }

    private static LatencyHistogram merged(LatencyHistogram batch, byte[] stored) {
        if (stored == null) {
            return batch;
        }
        LatencyHistogram merged = LatencyHistogram.fromBytes(stored);
        merged.merge(batch);
        return merged;
    }

    private static byte[] histogramBytes(LatencyHistogram h) {
        return h.count() == 0 ? null : h.toBytes();
    }

    private static void setBytes(PreparedStatement s, int index, byte[] value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BINARY);
        } else {
            s.setBytes(index, value);
        }
    }

    private static void deleteOpenings(Connection c, Set<String> closedIds) throws SQLException {
        if (closedIds.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM openings WHERE id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", closedIds.toArray()));
            s.executeUpdate();
        }
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
