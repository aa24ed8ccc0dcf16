package dev.tally.audit.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tally.audit.adjust.AdjustmentFilter;
import dev.tally.audit.adjust.CostAdjustment;
import dev.tally.audit.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code cost_adjustments} table (schema V7), the same SQL on both stores: rows inserted
 * inside the writer's transaction with their {@code cost_adjustment} event, and read by filter,
 * in {@code (ts, id)} order. Part of the JDBC core; not API. Stateless.
 */
public final class AdjustmentRows {

    private static final String COLUMNS = "id, chain, adjusted_at, record_id, ts, key_id, model, provider, status, "
            + "user_id, tags, old_micros, old_price_id, new_micros, new_price_id, delta_micros, reason";

    private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
    };

    private AdjustmentRows() {
    }

    /**
     * Inserts {@code adjustment}'s row on {@code c}, inside the caller's transaction.
     *
     * @throws IllegalArgumentException when a row with its id exists (the batch rolls back)
     */
    public static void insert(Connection c, CostAdjustment a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO cost_adjustments (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, a.id());
            s.setString(2, a.chain());
            s.setLong(3, a.adjustedAt().toEpochMilli());
            s.setString(4, a.recordId());
            s.setLong(5, a.recordStartedAt().toEpochMilli());
            s.setString(6, a.keyId());
            s.setString(7, a.model());
            s.setString(8, a.provider());
            s.setString(9, a.status());
            s.setString(10, a.user());
            s.setString(11, tagsJson(a.tags()));
            Binds.setNullableLong(s, 12, a.oldMicros());
            s.setString(13, a.oldPriceId());
            s.setLong(14, a.newMicros());
            s.setString(15, a.newPriceId());
            s.setLong(16, a.deltaMicros());
            s.setString(17, a.reason());
            if (s.executeUpdate() == 0) {
                // A duplicate id is the caller's mistake, and rolls the batch back like any broken rule.
                throw new IllegalArgumentException("cost adjustment id: '" + a.id()
                        + "' (expected: an id no other adjustment has)");
            }
        }
    }

    /** The rows {@code filter} selects, by the adjusted call's time, then id. */
    public static List<CostAdjustment> read(Connection c, AdjustmentFilter filter) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM cost_adjustments WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        if (filter.since() != null) {
            sql.append(" AND ts >= ?");
            values.add(filter.since().toEpochMilli());
        }
        if (filter.until() != null) {
            sql.append(" AND ts < ?");
            values.add(filter.until().toEpochMilli());
        }
        equal(sql, values, "chain", filter.chain());
        equal(sql, values, "key_id", filter.keyId());
        equal(sql, values, "model", filter.model());
        equal(sql, values, "provider", filter.provider());
        equal(sql, values, "status", filter.status());
        equal(sql, values, "user_id", filter.user());
        sql.append(" ORDER BY ts, id");
        List<CostAdjustment> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                s.setObject(i + 1, values.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    CostAdjustment a = row(rs);
                    if (filter.tagsMatch(a)) {
                        rows.add(a);
                    }
                }
            }
        }
        return rows;
    }

    private static void equal(StringBuilder sql, List<Object> values, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            values.add(value);
        }
    }

    private static CostAdjustment row(ResultSet rs) throws SQLException {
        long old = rs.getLong(12);
        Long oldMicros = rs.wasNull() ? null : old;
        // delta_micros is not read back: every sum uses new - old of the row itself, and
        // badDeltas() names the rows whose stored column disagrees (verify --deep).
        return new CostAdjustment(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7), rs.getString(8),
                rs.getString(9), rs.getString(10), tags(rs.getString(11)), oldMicros, rs.getString(13), rs.getLong(14),
                rs.getString(15), rs.getString(17));
    }

    /** The ids of rows whose {@code delta_micros} is not {@code new_micros - old_micros} (an unpriced old cost counts as 0). */
    public static List<String> badDeltas(Connection c) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM cost_adjustments "
                + "WHERE delta_micros <> new_micros - coalesce(old_micros, 0) ORDER BY id");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static String tagsJson(Map<String, String> tags) {
        try {
            return Json.mapper().writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tags cannot be written as JSON", e);
        }
    }

    private static Map<String, String> tags(String json) throws SQLException {
        try {
            return Json.mapper().readValue(json, TAGS);
        } catch (JsonProcessingException e) {
            throw new SQLException("cost_adjustments.tags: not a JSON object of strings (" + e.getOriginalMessage() + ")", e);
        }
    }
}
