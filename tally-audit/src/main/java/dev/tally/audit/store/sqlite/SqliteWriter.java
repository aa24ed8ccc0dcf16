package dev.tally.audit.store.sqlite;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.rollup.LatencyHistogram;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.rollup.RollupKey;
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
 * need no round trip, rollups are summed in memory and upserted once per distinct row (its
 * histograms merged in Java with the stored ones, which this writer usually still knows from
 * its previous batches, see {@link StoredHistograms}; a SQL function calling back into Java
 * cost far more per row), and an
 * opening marker whose closing record is in the same batch is never written at all.
 *
 * <p>Not thread-safe: the store calls it under its writer lock.
 */
final class SqliteWriter implements AutoCloseable {


    private static final String ROLLUP_MEASURES = "calls, input_tokens, cached_input_tokens, cache_write_tokens, "
            + "output_tokens, reasoning_tokens, cost_micros, unpriced_calls, latency_count, latency_sum, latency_hist, "
            + "ttft_count, ttft_sum, ttft_hist";
    private static final String ROLLUP_UPDATE = " DO UPDATE SET calls = calls + excluded.calls, "
            + "input_tokens = input_tokens + excluded.input_tokens, "
            + "cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, "
            + "cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, "
            + "output_tokens = output_tokens + excluded.output_tokens, "
            + "reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, "
            + "cost_micros = cost_micros + excluded.cost_micros, "
            + "unpriced_calls = unpriced_calls + excluded.unpriced_calls, "
            + "latency_count = latency_count + excluded.latency_count, "
            + "latency_sum = latency_sum + excluded.latency_sum, "
            + "latency_hist = excluded.latency_hist, "
            + "ttft_count = ttft_count + excluded.ttft_count, "
            + "ttft_sum = ttft_sum + excluded.ttft_sum, "
            + "ttft_hist = excluded.ttft_hist";

    private final Connection connection;
    private final SqliteAdmin admin;
    /** Plain and tag rows (their keys never collide: tag keys carry a tag name). */
    private final StoredHistograms storedHistograms = new StoredHistograms();
    private final StoredHistograms storedDayHistograms = new StoredHistograms();
    private final PreparedStatement insertEntry;
    private final PreparedStatement insertTag;
    private final PreparedStatement insertOpening;
    private final PreparedStatement deleteOpening;
    private final PreparedStatement upsertRollup;
    private final PreparedStatement upsertTagRollup;
    private final PreparedStatement selectRollupHistograms;
    private final PreparedStatement selectTagRollupHistograms;
    private final PreparedStatement upsertDayRollup;
    private final PreparedStatement selectDayRollupHistograms;
    private final PreparedStatement insertCheckpoint;
    private final PreparedStatement maxRowId;
    private final PreparedStatement anyOpening;
    private final SqlitePayloads payloads;

    SqliteWriter(Connection connection) throws SQLException {
        this.connection = connection;
        this.admin = new SqliteAdmin(connection);
        insertEntry = connection.prepareStatement("INSERT INTO entries (row_id, chain, seq, id, kind, ts, key_id, model, "
                + "provider, status, user_id, event_type, prev_hash, hash, body) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insertTag = connection.prepareStatement("INSERT INTO call_tags (name, value, row_id) VALUES (?, ?, ?)");
        insertOpening = connection.prepareStatement(
                "INSERT INTO openings (id, chain, ts, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
        deleteOpening = connection.prepareStatement("DELETE FROM openings WHERE id = ?");
        upsertRollup = connection.prepareStatement("INSERT INTO rollups (hour, chain, key_id, model, provider, status, "
                + "user_id, " + ROLLUP_MEASURES + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (hour, chain, key_id, model, provider, status, user_id)" + ROLLUP_UPDATE);
        upsertTagRollup = connection.prepareStatement("INSERT INTO tag_rollups (hour, chain, tag_name, tag_value, key_id, "
                + "model, provider, status, user_id, " + ROLLUP_MEASURES + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (hour, chain, tag_name, tag_value, key_id, model, provider, status, user_id)"
                + ROLLUP_UPDATE);
        selectRollupHistograms = connection.prepareStatement("SELECT latency_hist, ttft_hist FROM rollups "
                + "WHERE hour = ? AND chain = ? AND key_id = ? AND model = ? AND provider = ? AND status = ? "
                + "AND user_id = ?");
        selectTagRollupHistograms = connection.prepareStatement("SELECT latency_hist, ttft_hist FROM tag_rollups "
                + "WHERE hour = ? AND chain = ? AND tag_name = ? AND tag_value = ? AND key_id = ? AND model = ? "
                + "AND provider = ? AND status = ? AND user_id = ?");
        upsertDayRollup = connection.prepareStatement("INSERT INTO day_rollups (day, chain, key_id, model, provider, "
                + ROLLUP_MEASURES + ", success, errors, refused, cancelled, interrupted) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (day, chain, key_id, model, provider)" + ROLLUP_UPDATE
                + ", success = success + excluded.success, errors = errors + excluded.errors, "
                + "refused = refused + excluded.refused, cancelled = cancelled + excluded.cancelled, "
                + "interrupted = interrupted + excluded.interrupted");
        selectDayRollupHistograms = connection.prepareStatement("SELECT latency_hist, ttft_hist FROM day_rollups "
                + "WHERE day = ? AND chain = ? AND key_id = ? AND model = ? AND provider = ?");
        insertCheckpoint = connection.prepareStatement("INSERT INTO checkpoints (chain, seq, hash, at, key_id, signature) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chain, seq) DO NOTHING");
        maxRowId = connection.prepareStatement("SELECT coalesce(max(row_id), 0) FROM entries");
        anyOpening = connection.prepareStatement("SELECT 1 FROM openings LIMIT 1");
        payloads = new SqlitePayloads(connection);
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
        insertCheckpoints(batch);
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
        insertEntry.executeBatch();
        if (tags > 0) {
            insertTag.executeBatch();
        }
        upsertRollups(rollups);
    }

    private void upsertRollups(RollupBatch rollups) throws SQLException {
        upsert(rollups.plainRows(), KeyShape.PLAIN, upsertRollup, selectRollupHistograms, storedHistograms);
        upsert(rollups.tagRows(), KeyShape.TAGGED, upsertTagRollup, selectTagRollupHistograms, storedHistograms);
        upsert(rollups.dayRows(), KeyShape.DAY, upsertDayRollup, selectDayRollupHistograms, storedDayHistograms);
    }

    /** Which key columns a rollup table has, in its column order. */
    private enum KeyShape {
        PLAIN, TAGGED, DAY
    }

    private void upsert(Map<RollupKey, UsageTotals> rows, KeyShape shape, PreparedStatement upsert,
            PreparedStatement select, StoredHistograms stored) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        for (Map.Entry<RollupKey, UsageTotals> row : rows.entrySet()) {
            RollupKey k = row.getKey();
            int next = bindKey(upsert, k, shape);
            next = bindMeasures(upsert, next, k, row.getValue(), stored(k, shape, select, stored), stored);
            if (shape == KeyShape.DAY) {
                for (CallStatus status : CallStatus.values()) {
                    upsert.setLong(next++, row.getValue().statusCalls(status));
                }
            }
            upsert.addBatch();
        }
        upsert.executeBatch();
    }

    /** Binds a rollup row's key columns in table order from parameter 1; returns the next index. */
    private static int bindKey(PreparedStatement s, RollupKey k, KeyShape shape) throws SQLException {
        int i = 1;
        s.setLong(i++, k.hour());
        s.setString(i++, k.chain());
        if (shape == KeyShape.TAGGED) {
            s.setString(i++, k.tagName());
            s.setString(i++, k.tagValue());
        }
        s.setString(i++, k.keyId());
        s.setString(i++, k.model());
        s.setString(i++, k.provider());
        if (shape != KeyShape.DAY) {
            s.setString(i++, k.status());
            s.setString(i++, k.user());
        }
        return i;
    }

    /** The stored {latency, ttft} histogram bytes of {@code key}'s row; nulls when absent. */
    private static byte[][] stored(RollupKey key, KeyShape shape, PreparedStatement select, StoredHistograms known)
            throws SQLException {
        byte[][] cached = known.get(key);
        if (cached != null) {
            return cached;
        }
        bindKey(select, key, shape);
        try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? new byte[][] {rs.getBytes(1), rs.getBytes(2)} : new byte[2][];
        }
    }

    /**
     * Binds the batch's measures; counts and sums are added by the upsert, while histograms are
     * written whole, merged here with {@code stored}, because SQLite cannot merge them itself.
     */
    private static int bindMeasures(PreparedStatement s, int first, RollupKey key, UsageTotals t, byte[][] stored,
            StoredHistograms known) throws SQLException {
        byte[] latency = histogramBytes(merged(t.latency(), stored[0]));
        byte[] ttft = histogramBytes(merged(t.ttft(), stored[1]));
        int i = first;
        s.setLong(i++, t.calls());
        s.setLong(i++, t.inputTokens());
        s.setLong(i++, t.cachedInputTokens());
        s.setLong(i++, t.cacheWriteTokens());
        s.setLong(i++, t.outputTokens());
        s.setLong(i++, t.reasoningTokens());
        s.setLong(i++, t.costMicros());
        s.setLong(i++, t.unpricedCalls());
        s.setLong(i++, t.latency().count());
        s.setLong(i++, t.latency().sum());
        setNullableBytes(s, i++, latency);
        s.setLong(i++, t.ttft().count());
        s.setLong(i++, t.ttft().sum());
        setNullableBytes(s, i++, ttft);
        known.put(key, latency, ttft);
        return i;
    }

    /** The batch's transaction committed: what it wrote is now the stored state. */
    void committed() {
        storedHistograms.commit();
        storedDayHistograms.commit();
    }

    /** The batch's transaction was rolled back. */
    void rolledBack() {
        storedHistograms.rollback();
        storedDayHistograms.rollback();
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

    private static void setNullableBytes(PreparedStatement s, int index, byte[] value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BLOB);
        } else {
            s.setBytes(index, value);
        }
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

    private void insertCheckpoints(WriteBatch batch) throws SQLException {
        if (batch.checkpoints().isEmpty()) {
            return;
        }
        for (SignedHead c : batch.checkpoints()) {
            if (c.purpose() != SignedHead.Purpose.CHECKPOINT) {
                throw new IllegalArgumentException("checkpoints: purpose " + c.purpose() + " (expected: CHECKPOINT)");
            }
            insertCheckpoint.setString(1, c.chain());
            insertCheckpoint.setLong(2, c.seq());
            insertCheckpoint.setString(3, c.hash());
            insertCheckpoint.setLong(4, c.at().toEpochMilli());
            setNullable(insertCheckpoint, 5, c.keyId());
            setNullable(insertCheckpoint, 6, c.signature());
            insertCheckpoint.addBatch();
        }
        insertCheckpoint.executeBatch();
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
                upsertRollup, upsertTagRollup, selectRollupHistograms,
                selectTagRollupHistograms, upsertDayRollup, selectDayRollupHistograms, insertCheckpoint, maxRowId, anyOpening}) {
            s.close();
        }
        admin.close();
        payloads.close();
    }
}
