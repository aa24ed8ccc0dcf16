package dev.tally.audit.store;

import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads rollup rows exactly as stored, for {@link DerivedRows}: the SQL is the same on both
 * stores (same tables and columns). Runs on the caller's connection and transaction.
 */
public final class RollupRowReads {

    private RollupRowReads() {
    }

    /** Streams {@code chain}'s rows of {@code table} whose bucket starts before {@code before}. */
    public static void read(Connection c, String chain, RollupTable table, long before, Consumer<RollupRow> sink)
            throws SQLException {
        List<String> key = table.keyColumns();
        List<RollupRow.Column> columns = RollupRow.columns(table);
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", key));
        for (RollupRow.Column column : columns) {
            sql.append(", ").append(column.sql());
        }
        sql.append(", latency_hist, ttft_hist FROM ").append(table.tableName()).append(" WHERE chain = ? AND ")
                .append(table.grain().column()).append(" < ?");
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            s.setFetchSize(1_000);
            s.setString(1, chain);
            s.setLong(2, before);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rowOf(rs, table, key, columns));
                }
            }
        }
    }

    private static RollupRow rowOf(ResultSet rs, RollupTable table, List<String> key, List<RollupRow.Column> columns)
            throws SQLException {
        long time = 0;
        String chain = "";
        String tagName = "";
        String tagValue = "";
        String keyId = "";
        String model = "";
        String provider = "";
        String user = "";
        String status = "";
        int i = 1;
        for (String column : key) {
            switch (column) {
                case "hour", "day" -> time = rs.getLong(i);
                case "chain" -> chain = rs.getString(i);
                case "tag_name" -> tagName = rs.getString(i);
                case "tag_value" -> tagValue = rs.getString(i);
                case "key_id" -> keyId = rs.getString(i);
                case "model" -> model = rs.getString(i);
                case "provider" -> provider = rs.getString(i);
                case "user_id" -> user = rs.getString(i);
                case "status" -> status = rs.getString(i);
                default -> throw new IllegalStateException("rollup key column: '" + column
                        + "' (expected: a known one)");
            }
            i++;
        }
        long[] values = new long[RollupRow.Column.values().length];
        for (RollupRow.Column column : columns) {
            values[column.ordinal()] = rs.getLong(i++);
        }
        byte[] latency = rs.getBytes(i++);
        byte[] ttft = rs.getBytes(i);
        return new RollupRow(table, new RollupKey(time, chain, keyId, model, provider, status, user, tagName, tagValue),
                values, latency, ttft);
    }
}
