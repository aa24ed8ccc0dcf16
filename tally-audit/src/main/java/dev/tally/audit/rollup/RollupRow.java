package dev.tally.audit.rollup;

import dev.tally.audit.entry.CallStatus;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One rollup row with every column a store keeps for it: its key and its measures exactly as
 * stored (or as recomputed from call records, {@link #of}), so the two can be compared column by
 * column. Histograms are kept as their bytes ({@link LatencyHistogram#toBytes()}; null when the
 * row has no sample) because a stored blob may not even decode.
 *
 * <p>{@link #line()} is the row's line in a canonical listing ({@link RollupDigest}): the table
 * name, the key columns in {@link RollupTable#keyColumns()} order (times as decimal epoch ms,
 * strings as {@code <UTF-8 length>:<value>}), then {@code column=value} for every measure in
 * {@link Column} order (a histogram as the lower-case hex of its canonical bytes,
 * {@link LatencyHistogram#canonicalBytes()}, without the exact ends, {@code -} when
 * empty, {@code !} when it cannot be formed), separated by single spaces.
 *
 * <p>Immutable (the arrays are not copied: never modify them), thread-safe.
 *
 * @param table the table the row is in
 * @param key the row's key, projected onto the table ({@link RollupKey#in})
 * @param values the number columns in {@link Column} order; day tables only use the status columns
 * @param latencyHistogram the {@code latency_hist} bytes, or null
 * @param ttftHistogram the {@code ttft_hist} bytes, or null
 */
public record RollupRow(RollupTable table, RollupKey key, long[] values, byte[] latencyHistogram,
        byte[] ttftHistogram) {

    /** The number columns of a rollup row, in schema order; the status columns exist in day tables only. */
    public enum Column {
        CALLS("calls"), INPUT_TOKENS("input_tokens"), CACHED_INPUT_TOKENS("cached_input_tokens"),
        CACHE_WRITE_TOKENS("cache_write_tokens"), OUTPUT_TOKENS("output_tokens"), REASONING_TOKENS("reasoning_tokens"),
        COST_MICROS("cost_micros"), UNPRICED_CALLS("unpriced_calls"), LATENCY_COUNT("latency_count"),
        LATENCY_SUM("latency_sum"), TTFT_COUNT("ttft_count"), TTFT_SUM("ttft_sum"), SUCCESS("success"),
        ERRORS("errors"), REFUSED("refused"), CANCELLED("cancelled"), INTERRUPTED("interrupted");

        private final String sql;

        Column(String sql) {
            this.sql = sql;
        }

        /** The SQL column name. */
        public String sql() {
            return sql;
        }

        /** Whether {@code table} has this column. */
        public boolean in(RollupTable table) {
            return ordinal() < SUCCESS.ordinal() || table.statusColumns();
        }
    }

    private static final Column[] COLUMNS = Column.values();
    private static final HexFormat HEX = HexFormat.of();

    public RollupRow {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        if (values.length != COLUMNS.length) {
            throw new IllegalArgumentException("values: " + values.length + " (expected: " + COLUMNS.length + ")");
        }
    }

    /** The number columns of {@code table}, in schema order. */
    public static List<Column> columns(RollupTable table) {
        return java.util.Arrays.stream(COLUMNS).filter(c -> c.in(table)).toList();
    }

    /** The row {@code totals} should be stored as. */
    public static RollupRow of(RollupTable table, RollupKey key, UsageTotals totals) {
        long[] v = new long[COLUMNS.length];
        v[Column.CALLS.ordinal()] = totals.calls();
        v[Column.INPUT_TOKENS.ordinal()] = totals.inputTokens();
        v[Column.CACHED_INPUT_TOKENS.ordinal()] = totals.cachedInputTokens();
        v[Column.CACHE_WRITE_TOKENS.ordinal()] = totals.cacheWriteTokens();
        v[Column.OUTPUT_TOKENS.ordinal()] = totals.outputTokens();
        v[Column.REASONING_TOKENS.ordinal()] = totals.reasoningTokens();
        v[Column.COST_MICROS.ordinal()] = totals.costMicros();
        v[Column.UNPRICED_CALLS.ordinal()] = totals.unpricedCalls();
        v[Column.LATENCY_COUNT.ordinal()] = totals.latency().count();
        v[Column.LATENCY_SUM.ordinal()] = totals.latency().sum();
        v[Column.TTFT_COUNT.ordinal()] = totals.ttft().count();
        v[Column.TTFT_SUM.ordinal()] = totals.ttft().sum();
        if (table.statusColumns()) {
            v[Column.SUCCESS.ordinal()] = totals.statusCalls(CallStatus.SUCCESS);
            v[Column.ERRORS.ordinal()] = totals.statusCalls(CallStatus.ERROR);
            v[Column.REFUSED.ordinal()] = totals.statusCalls(CallStatus.REFUSED);
            v[Column.CANCELLED.ordinal()] = totals.statusCalls(CallStatus.CANCELLED);
            v[Column.INTERRUPTED.ordinal()] = totals.statusCalls(CallStatus.INTERRUPTED);
        }
        return new RollupRow(table, key, v, bytes(totals.latency()), bytes(totals.ttft()));
    }

    /**
     * What is left of {@code stored} once {@code recomputed} is taken out of it, column by
     * column: the part of a stored row that entries no longer retained added. Either may be null
     * (no such row). A histogram that does not hold the values taken out becomes {@code !}.
     */
    public static RollupRow residual(RollupTable table, RollupKey key, RollupRow stored, RollupRow recomputed) {
        long[] v = new long[COLUMNS.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (stored == null ? 0 : stored.values[i]) - (recomputed == null ? 0 : recomputed.values[i]);
        }
        return new RollupRow(table, key, v,
                residual(stored == null ? null : stored.latencyHistogram, recomputed == null ? null
                        : recomputed.latencyHistogram),
                residual(stored == null ? null : stored.ttftHistogram, recomputed == null ? null
                        : recomputed.ttftHistogram));
    }

    /** Marks a histogram that cannot be formed; never valid histogram bytes (version 0). */
    private static final byte[] UNFORMED = {0};

    private static byte[] residual(byte[] stored, byte[] recomputed) {
        try {
            LatencyHistogram left = LatencyHistogram.fromBytes(stored);
            left.subtract(LatencyHistogram.fromBytes(recomputed));
            return bytes(left);
        } catch (IllegalArgumentException e) {
            return UNFORMED;
        }
    }

    /** Whether every number is 0 and both histograms are empty: nothing is left. */
    public boolean isEmpty() {
        for (Column c : COLUMNS) {
            if (c.in(table) && values[c.ordinal()] != 0) {
                return false;
            }
        }
        return histogram(latencyHistogram).equals("-") && histogram(ttftHistogram).equals("-");
    }

    /** The value of number column {@code column}. */
    public long value(Column column) {
        return values[column.ordinal()];
    }

    /**
     * Every measure column of the table, by SQL name, in schema order, as text: numbers in
     * decimal, a histogram as the hex of its canonical bytes ({@code -} empty, {@code !} not a
     * histogram).
     */
    public Map<String, String> columns() {
        Map<String, String> result = new LinkedHashMap<>();
        for (Column c : COLUMNS) {
            if (c.in(table)) {
                result.put(c.sql(), Long.toString(values[c.ordinal()]));
            }
            if (c == Column.LATENCY_SUM) {
                result.put("latency_hist", histogram(latencyHistogram));
            } else if (c == Column.TTFT_SUM) {
                result.put("ttft_hist", histogram(ttftHistogram));
            }
        }
        return result;
    }

    /** The key columns in table order, by SQL name, as text: a time as decimal epoch ms. */
    public Map<String, String> keyColumns() {
        Map<String, String> result = new LinkedHashMap<>();
        for (String column : table.keyColumns()) {
            result.put(column, keyValue(column));
        }
        return result;
    }

    /** This row's line in the canonical listing (see the class comment). */
    public String line() {
        StringBuilder line = new StringBuilder(table.tableName());
        for (String column : table.keyColumns()) {
            String value = keyValue(column);
            line.append(' ');
            if (column.equals("hour") || column.equals("day")) {
                line.append(value);
            } else {
                line.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
            }
        }
        for (Map.Entry<String, String> column : columns().entrySet()) {
            line.append(' ').append(column.getKey()).append('=').append(column.getValue());
        }
        return line.toString();
    }

    private String keyValue(String column) {
        return switch (column) {
            case "hour", "day" -> Long.toString(key.hour());
            case "chain" -> key.chain();
            case "tag_name" -> key.tagName();
            case "tag_value" -> key.tagValue();
            case "key_id" -> key.keyId();
            case "model" -> key.model();
            case "provider" -> key.provider();
            case "user_id" -> key.user();
            case "status" -> key.status();
            default -> throw new IllegalStateException("rollup key column: '" + column + "' (expected: a known one)");
        };
    }

    /** The canonical text of histogram bytes: hex of the re-encoded histogram, {@code -} empty, {@code !} invalid. */
    private static String histogram(byte[] bytes) {
        if (bytes == UNFORMED) {
            return "!";
        }
        try {
            LatencyHistogram h = LatencyHistogram.fromBytes(bytes);
            return h.count() == 0 ? "-" : HEX.formatHex(h.canonicalBytes());
        } catch (IllegalArgumentException e) {
            return "!";
        }
    }

    private static byte[] bytes(LatencyHistogram h) {
        return h.count() == 0 ? null : h.toBytes();
    }
}
