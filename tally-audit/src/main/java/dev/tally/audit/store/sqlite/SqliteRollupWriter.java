package dev.tally.audit.store.sqlite;

import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.rollup.LatencyHistogram;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.rollup.UsageTotals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a batch's {@link RollupBatch} to every {@link RollupTable}: one upsert per distinct row,
 * as JDBC batches on statements prepared once. Counts and sums are added by the upsert;
 * histograms are merged here in Java with the row's stored ones, because SQLite cannot merge
 * them itself (a SQL function calling back into Java cost far more per row). The stored
 * histograms are usually kept from this writer's previous batches, and a row this writer is the
 * first to create is known not to exist ({@link StoredHistograms}), so most upserts read and
 * decode nothing first.
 *
 * <p>Not thread-safe: the store calls it under its writer lock.
 */
final class SqliteRollupWriter implements AutoCloseable {

    private static final String MEASURES = "calls, input_tokens, cached_input_tokens, cache_write_tokens, "
            + "output_tokens, reasoning_tokens, cost_micros, unpriced_calls, latency_count, latency_sum, latency_hist, "
            + "ttft_count, ttft_sum, ttft_hist";
    private static final int MEASURE_COUNT = 14;
    private static final String STATUS_COLUMNS = "success, errors, refused, cancelled, interrupted";
    private static final String ADD_MEASURES = "calls = calls + excluded.calls, "
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
    private static final String ADD_STATUSES = ", success = success + excluded.success, "
            + "errors = errors + excluded.errors, refused = refused + excluded.refused, "
            + "cancelled = cancelled + excluded.cancelled, interrupted = interrupted + excluded.interrupted";

    private final Map<RollupTable, PreparedStatement> upserts = new EnumMap<>(RollupTable.class);
    private final Map<RollupTable, PreparedStatement> selects = new EnumMap<>(RollupTable.class);
    private final Map<RollupTable, StoredHistograms> stored = new EnumMap<>(RollupTable.class);

    SqliteRollupWriter(Connection connection) throws SQLException {
        long newestHour = newest(connection, "SELECT max(hour) FROM rollups");
        long newestDay = newest(connection, "SELECT max(day) FROM day_rollups");
        for (RollupTable table : RollupTable.values()) {
            List<String> key = table.keyColumns();
            String keyList = String.join(", ", key);
            String columns = keyList + ", " + MEASURES + (table.statusColumns() ? ", " + STATUS_COLUMNS : "");
            int parameters = key.size() + MEASURE_COUNT + (table.statusColumns() ? 5 : 0);
            upserts.put(table, connection.prepareStatement("INSERT INTO " + table.tableName() + " (" + columns
                    + ") VALUES (" + "?, ".repeat(parameters - 1) + "?) ON CONFLICT (" + keyList + ") DO UPDATE SET "
                    + ADD_MEASURES + (table.statusColumns() ? ADD_STATUSES : "")));
            selects.put(table, connection.prepareStatement("SELECT latency_hist, ttft_hist FROM " + table.tableName()
                    + " WHERE " + String.join(" = ? AND ", key) + " = ?"));
            // Every call adds to rollups and day_rollups, so their newest rows bound every table's.
            long newest = table.grain() == RollupTable.Grain.HOUR ? newestHour : newestDay;
            long coveredFrom = newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest + table.grain().millis();
            stored.put(table, new StoredHistograms(coveredFrom));
        }
    }

    /** The largest time in a rollup table (a primary key prefix, so one index probe), or MIN_VALUE when empty. */
    private static long newest(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (rs.next()) {
                long value = rs.getLong(1);
                return rs.wasNull() ? Long.MIN_VALUE : value;
            }
            return Long.MIN_VALUE;
        }
    }

    /** Adds {@code batch} to every table inside the caller's open transaction. */
    void write(RollupBatch batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        for (RollupTable table : RollupTable.values()) {
            upsert(table, batch.rows(table));
        }
    }

    private void upsert(RollupTable table, Map<RollupKey, UsageTotals> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        PreparedStatement upsert = upserts.get(table);
        StoredHistograms known = stored.get(table);
        for (Map.Entry<RollupKey, UsageTotals> row : rows.entrySet()) {
            RollupKey k = row.getKey();
            UsageTotals t = row.getValue();
            int i = bindKey(upsert, table, k);
            LatencyHistogram[] after = merged(table, k, known, t);
            byte[] latency = histogramBytes(after[0]);
            byte[] ttft = histogramBytes(after[1]);
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
            setNullableBytes(upsert, i++, latency);
            upsert.setLong(i++, t.ttft().count());
            upsert.setLong(i++, t.ttft().sum());
            setNullableBytes(upsert, i++, ttft);
            if (table.statusColumns()) {
                for (CallStatus status : CallStatus.values()) {
                    upsert.setLong(i++, t.statusCalls(status));
                }
            }
            known.put(k, after[0], after[1]);
            upsert.addBatch();
        }
        upsert.executeBatch();
    }

    /** Binds {@code k}'s key columns in table order from parameter 1; returns the next index. */
    private static int bindKey(PreparedStatement s, RollupTable table, RollupKey k) throws SQLException {
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

    /**
     * The row's {latency, ttft} histograms after adding the batch's {@code t}: merged in place
     * into the ones this writer keeps, or the batch's own for a new row, or read from the table.
     */
    private LatencyHistogram[] merged(RollupTable table, RollupKey key, StoredHistograms known, UsageTotals t)
            throws SQLException {
        LatencyHistogram[] kept = known.get(key);
        if (kept == StoredHistograms.ABSENT) {
            return new LatencyHistogram[] {t.latency(), t.ttft()}; // the batch's totals are not used after this
        }
        if (kept == null) {
            PreparedStatement select = selects.get(table);
            bindKey(select, table, key);
            try (ResultSet rs = select.executeQuery()) {
                kept = rs.next()
                        ? new LatencyHistogram[] {LatencyHistogram.fromBytes(rs.getBytes(1)),
                            LatencyHistogram.fromBytes(rs.getBytes(2))}
                        : new LatencyHistogram[] {new LatencyHistogram(), new LatencyHistogram()};
            }
        }
        kept[0].merge(t.latency());
        kept[1].merge(t.ttft());
        return kept;
    }

    /** The batch's transaction committed: what it wrote is now the stored state. */
    void committed() {
        stored.values().forEach(StoredHistograms::commit);
    }

    /** The batch's transaction failed. */
    void rolledBack() {
        stored.values().forEach(StoredHistograms::rollback);
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

    @Override
    public void close() throws SQLException {
        for (PreparedStatement s : upserts.values()) {
            s.close();
        }
        for (PreparedStatement s : selects.values()) {
            s.close();
        }
    }
}
