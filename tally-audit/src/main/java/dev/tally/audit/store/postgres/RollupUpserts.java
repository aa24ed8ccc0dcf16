package dev.tally.audit.store.postgres;

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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollup upserts of a {@link RollupFolder} fold: per table, the fold's rows (already summed in
 * memory per key by {@link dev.tally.audit.rollup.RollupBatch}) go in as ONE multi-row upsert,
 * {@code INSERT ... SELECT * FROM unnest(?::bigint[], ?::text[], ...) ON CONFLICT DO UPDATE},
 * one array parameter per column. Arrays rather than a VALUES list because the statement text
 * and its parameter count stay the same whatever the batch holds (one prepared shape, no
 * 32,767-parameter ceiling), and the server plans it once per connection.
 *
 * <p>Rows that cannot exist yet (their hour or day starts after the chain's latest folded call,
 * {@code rollup_folds.rows_until}: with traffic spread thin, most of a fold's rows) skip all of
 * that when a table has {@value #COPY_ROWS} or more of them: they go in with one binary
 * {@code COPY} per table ({@link BinaryCopy}), no conflict check, no arrays to encode and parse,
 * and a second fold of the same rows would fail on the primary key rather than count twice.
 *
 * <p>Counts and sums add up in SQL. Histograms are opaque bytes merged in Java: a row this
 * fold wrote is known in {@link KnownHistograms}; the others are read first with ONE
 * select per table for all of the batch's unknown keys (a join against the same kind of arrays),
 * instead of one select per row. The selects of every table go to the server together, and so do
 * the upserts ({@link #upsertAll}): a batch costs two round trips at most for all eight tables,
 * whatever its size.
 *
 * <p>Stateless; the caller's connection and {@link KnownHistograms} are used by one thread, under
 * the chain's fold lock.
 */
final class RollupUpserts {

    private static final String[] MEASURES = {"calls", "input_tokens", "cached_input_tokens", "cache_write_tokens",
        "output_tokens", "reasoning_tokens", "cost_micros", "unpriced_calls", "latency_count", "latency_sum",
        "latency_hist", "ttft_count", "ttft_sum", "ttft_hist"};
    private static final String[] STATUSES = {"success", "errors", "refused", "cancelled", "interrupted"};

    /**
     * New rows of one table from which on a fold sends them with their own binary COPY; fewer go
     * into the fold's one upsert round trip (a COPY is a round trip of its own per table).
     */
    static final int COPY_ROWS = 500;

    /** Upsert and histogram-select SQL per table, built from its key columns (fixed names). */
    private static final Map<RollupTable, String[]> SQL = new EnumMap<>(RollupTable.class);
    /** Every column of each table in the order of its upsert and of {@link #copyRow}. */
    private static final Map<RollupTable, String[]> COLUMNS = new EnumMap<>(RollupTable.class);

    static {
        for (RollupTable table : RollupTable.values()) {
            List<String> key = table.keyColumns();
            List<String> columns = new ArrayList<>(key);
            columns.addAll(List.of(MEASURES));
            if (table.statusColumns()) {
                columns.addAll(List.of(STATUSES));
            }
            List<String> arrays = new ArrayList<>();
            List<String> updates = new ArrayList<>();
            for (String column : columns) {
                arrays.add("?::" + type(column) + "[]");
                if (!key.contains(column)) {
                    // Histograms arrive merged already; everything else is a sum.
                    updates.add(column.endsWith("_hist") ? column + " = excluded." + column
                            : column + " = t." + column + " + excluded." + column);
                }
            }
            String keyList = String.join(", ", key);
            String upsert = "INSERT INTO " + table.tableName() + " AS t (" + String.join(", ", columns)
                    + ") SELECT * FROM unnest(" + String.join(", ", arrays) + ") ON CONFLICT (" + keyList
                    + ") DO UPDATE SET " + String.join(", ", updates);
            List<String> keyArrays = arrays.subList(0, key.size());
            String select = "SELECT " + keyList + ", latency_hist, ttft_hist FROM " + table.tableName()
                    + " WHERE (" + keyList + ") IN (SELECT * FROM unnest(" + String.join(", ", keyArrays) + "))";
            SQL.put(table, new String[] {upsert, select});
            COLUMNS.put(table, columns.toArray(String[]::new));
        }
    }

    private RollupUpserts() {
    }

    /**
     * Adds every table's rows of {@code rollups} in the caller's open transaction on {@code c}:
     * one round trip reads the stored histograms of every table's unknown keys (when there are
     * any), one more upserts every table. Each round trip is a multi-statement prepared
     * statement that pgjdbc sends as one pipeline (parse/bind/execute per statement, one sync),
     * so eight tables cost one wait instead of eight; on a busy server every round trip is a
     * wake-up of both processes.
     */
    static void upsertAll(Connection c, RollupBatch rollups, Map<RollupTable, KnownHistograms> known,
            Long rowsUntil) throws SQLException {
        Map<RollupTable, Map<RollupKey, UsageTotals>> existing = new EnumMap<>(RollupTable.class);
        for (RollupTable table : RollupTable.values()) {
            Map<RollupKey, UsageTotals> rows = rollups.rows(table);
            if (rows.isEmpty()) {
                continue;
            }
            Map<RollupKey, UsageTotals> fresh = new HashMap<>();
            Map<RollupKey, UsageTotals> older = new HashMap<>();
            for (Map.Entry<RollupKey, UsageTotals> row : rows.entrySet()) {
                RollupKey k = row.getKey();
                boolean isNew = known.get(table).get(k) == null && isNew(table, k, rowsUntil);
                (isNew ? fresh : older).put(k, row.getValue());
            }
            if (fresh.size() >= COPY_ROWS) {
                BinaryCopy copy = new BinaryCopy(table.tableName(), COLUMNS.get(table));
                fresh.forEach((k, totals) -> copyRow(copy, table, k, totals, known.get(table)));
                copy.copyInto(c);
            } else {
                older.putAll(fresh); // a few rows: in the one upsert round trip, not a COPY of their own
            }
            if (!older.isEmpty()) {
                existing.put(table, older);
            }
        }
        if (existing.isEmpty()) {
            return;
        }
        List<RollupTable> tables = new ArrayList<>(existing.keySet());
        Map<RollupTable, Map<RollupKey, byte[][]>> stored = storedHistograms(c, existing, known, rowsUntil);
        StringBuilder sql = new StringBuilder();
        for (RollupTable table : tables) {
            sql.append(sql.isEmpty() ? "" : ";\n").append(SQL.get(table)[0]);
        }
        try (PreparedStatement upsert = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (RollupTable table : tables) {
                p = bindUpsert(c, upsert, p, table, existing.get(table), stored.get(table), known.get(table));
            }
            upsert.execute();
            while (upsert.getMoreResults() || upsert.getUpdateCount() != -1) {
                // drain every statement's outcome, so an error in any of them surfaces here
            }
        }
    }

    /**
     * Whether {@code k}'s row cannot be in {@code table} yet: its bucket starts after the bucket
     * of the chain's latest folded call ({@code rowsUntil}; null: the chain has no row at all).
     */
    private static boolean isNew(RollupTable table, RollupKey k, Long rowsUntil) {
        return rowsUntil == null || k.hour() > table.grain().floor(rowsUntil);
    }

    /** Writes one new row of {@code table} into {@code copy}, in {@link #COLUMNS} order. */
    private static void copyRow(BinaryCopy copy, RollupTable table, RollupKey k, UsageTotals t, KnownHistograms known) {
        byte[] latency = histogramBytes(t.latency());
        byte[] ttft = histogramBytes(t.ttft());
        known.put(k, latency, ttft);
        copy.row();
        for (String column : table.keyColumns()) {
            Object value = keyValue(k, column);
            if (value instanceof Long time) {
                copy.int8(time);
            } else {
                copy.text((String) value);
            }
        }
        copy.int8(t.calls()).int8(t.inputTokens()).int8(t.cachedInputTokens()).int8(t.cacheWriteTokens())
                .int8(t.outputTokens()).int8(t.reasoningTokens()).int8(t.costMicros()).int8(t.unpricedCalls())
                .int8(t.latency().count()).int8(t.latency().sum()).bytes(latency)
                .int8(t.ttft().count()).int8(t.ttft().sum()).bytes(ttft);
        if (table.statusColumns()) {
            for (CallStatus status : CallStatus.values()) {
                copy.int8(t.statusCalls(status));
            }
        }
    }

    /** Binds {@code table}'s upsert parameters from index {@code p}; returns the next free index. */
    private static int bindUpsert(Connection c, PreparedStatement upsert, int p, RollupTable table,
            Map<RollupKey, UsageTotals> rows, Map<RollupKey, byte[][]> stored, KnownHistograms known)
            throws SQLException {
        int n = rows.size();
        List<String> key = table.keyColumns();
        Object[][] keyValues = new Object[key.size()][];
        for (int k = 0; k < key.size(); k++) {
            keyValues[k] = type(key.get(k)).equals("bigint") ? new Long[n] : new String[n];
        }
        long[][] sums = new long[12][n];
        byte[][] latencies = new byte[n][];
        byte[][] ttfts = new byte[n][];
        long[][] statuses = new long[STATUSES.length][n];
        int r = 0;
        for (Map.Entry<RollupKey, UsageTotals> row : rows.entrySet()) {
            RollupKey k = row.getKey();
            UsageTotals t = row.getValue();
            for (int col = 0; col < key.size(); col++) {
                keyValues[col][r] = keyValue(k, key.get(col));
            }
            byte[][] before = stored.get(k);
            latencies[r] = histogramBytes(merged(t.latency(), before[0]));
            ttfts[r] = histogramBytes(merged(t.ttft(), before[1]));
            long[] measures = {t.calls(), t.inputTokens(), t.cachedInputTokens(), t.cacheWriteTokens(),
                t.outputTokens(), t.reasoningTokens(), t.costMicros(), t.unpricedCalls(), t.latency().count(),
                t.latency().sum(), t.ttft().count(), t.ttft().sum()};
            for (int m = 0; m < measures.length; m++) {
                sums[m][r] = measures[m];
            }
            if (table.statusColumns()) {
                CallStatus[] all = CallStatus.values();
                for (int s = 0; s < all.length; s++) {
                    statuses[s][r] = t.statusCalls(all[s]);
                }
            }
            known.put(k, latencies[r], ttfts[r]);
            r++;
        }
        for (int col = 0; col < key.size(); col++) {
            upsert.setArray(p++, c.createArrayOf(type(key.get(col)), keyValues[col]));
        }
        // MEASURES order: 10 sums, latency_hist, 2 sums, ttft_hist.
        for (int m = 0; m < 10; m++) {
            upsert.setObject(p++, sums[m]);
        }
        upsert.setArray(p++, c.createArrayOf("bytea", latencies));
        upsert.setObject(p++, sums[10]);
        upsert.setObject(p++, sums[11]);
        upsert.setArray(p++, c.createArrayOf("bytea", ttfts));
        if (table.statusColumns()) {
            for (long[] status : statuses) {
                upsert.setObject(p++, status);
            }
        }
        return p;
    }

    /**
     * Per table, the {latency, ttft} bytes stored for every key of its rows ({null, null} for a
     * row not there yet): from {@code known}, nothing for a key whose bucket starts after
     * {@code rowsUntil} (the chain has no row that late; null: no row at all), and for the other
     * keys from one multi-statement select covering every table that has such keys.
     */
    private static Map<RollupTable, Map<RollupKey, byte[][]>> storedHistograms(Connection c,
            Map<RollupTable, Map<RollupKey, UsageTotals>> existing, Map<RollupTable, KnownHistograms> known,
            Long rowsUntil) throws SQLException {
        Map<RollupTable, Map<RollupKey, byte[][]>> stored = new EnumMap<>(RollupTable.class);
        Map<RollupTable, List<RollupKey>> unknown = new EnumMap<>(RollupTable.class);
        for (Map.Entry<RollupTable, Map<RollupKey, UsageTotals>> e : existing.entrySet()) {
            RollupTable table = e.getKey();
            Map<RollupKey, UsageTotals> rows = e.getValue();
            Map<RollupKey, byte[][]> bytesByKey = new HashMap<>(rows.size() * 2);
            KnownHistograms knownHere = known.get(table);
            for (RollupKey k : rows.keySet()) {
                byte[][] bytes = knownHere.get(k);
                if (bytes == null && isNew(table, k, rowsUntil)) {
                    bytesByKey.put(k, new byte[2][]); // no row of the chain starts this late: nothing to read
                } else if (bytes == null) {
                    unknown.computeIfAbsent(table, t -> new ArrayList<>()).add(k);
                    bytesByKey.put(k, new byte[2][]);
                } else {
                    bytesByKey.put(k, bytes);
                }
            }
            stored.put(table, bytesByKey);
        }
        if (unknown.isEmpty()) {
            return stored;
        }
        StringBuilder sql = new StringBuilder();
        for (RollupTable table : unknown.keySet()) {
            sql.append(sql.isEmpty() ? "" : ";\n").append(SQL.get(table)[1]);
        }
        try (PreparedStatement select = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (Map.Entry<RollupTable, List<RollupKey>> e : unknown.entrySet()) {
                List<RollupKey> keys = e.getValue();
                for (String column : e.getKey().keyColumns()) {
                    Object[] values = type(column).equals("bigint") ? new Long[keys.size()] : new String[keys.size()];
                    for (int i = 0; i < keys.size(); i++) {
                        values[i] = keyValue(keys.get(i), column);
                    }
                    select.setArray(p++, c.createArrayOf(type(column), values));
                }
            }
            boolean isResult = select.execute();
            for (RollupTable table : unknown.keySet()) {
                if (!isResult) {
                    throw new IllegalStateException("rollup histograms of " + table.tableName()
                            + ": no result set (expected: one per table read)");
                }
                int width = table.keyColumns().size();
                Map<RollupKey, byte[][]> bytesByKey = stored.get(table);
                try (ResultSet rs = select.getResultSet()) {
                    while (rs.next()) {
                        RollupKey k = keyOf(rs, table);
                        if (bytesByKey.containsKey(k)) {
                            bytesByKey.put(k, new byte[][] {rs.getBytes(width + 1), rs.getBytes(width + 2)});
                        }
                    }
                }
                isResult = select.getMoreResults();
            }
        }
        return stored;
    }

    /** The key of the row at {@code rs}'s cursor, projected onto {@code table} as the batch's keys are. */
    private static RollupKey keyOf(ResultSet rs, RollupTable table) throws SQLException {
        long time = 0;
        String chain = "";
        String keyId = "";
        String model = "";
        String provider = "";
        String status = "";
        String user = "";
        String tagName = "";
        String tagValue = "";
        List<String> key = table.keyColumns();
        for (int i = 0; i < key.size(); i++) {
            String column = key.get(i);
            switch (column) {
                case "hour", "day" -> time = rs.getLong(i + 1);
                case "chain" -> chain = rs.getString(i + 1);
                case "key_id" -> keyId = rs.getString(i + 1);
                case "model" -> model = rs.getString(i + 1);
                case "provider" -> provider = rs.getString(i + 1);
                case "status" -> status = rs.getString(i + 1);
                case "user_id" -> user = rs.getString(i + 1);
                case "tag_name" -> tagName = rs.getString(i + 1);
                case "tag_value" -> tagValue = rs.getString(i + 1);
                default -> throw new IllegalStateException("rollup key column: '" + column + "' (expected: a known one)");
            }
        }
        return new RollupKey(time, chain, keyId, model, provider, status, user, tagName, tagValue);
    }

    private static Object keyValue(RollupKey k, String column) {
        return switch (column) {
            case "hour", "day" -> k.hour();
            case "chain" -> k.chain();
            case "tag_name" -> k.tagName();
            case "tag_value" -> k.tagValue();
            case "key_id" -> k.keyId();
            case "model" -> k.model();
            case "provider" -> k.provider();
            case "user_id" -> k.user();
            case "status" -> k.status();
            default -> throw new IllegalStateException("rollup key column: '" + column + "' (expected: a known one)");
        };
    }

    /** The SQL type of a rollup column. */
    private static String type(String column) {
        return switch (column) {
            case "chain", "tag_name", "tag_value", "key_id", "model", "provider", "user_id", "status" -> "text";
            case "latency_hist", "ttft_hist" -> "bytea";
            default -> "bigint";
        };
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
}
