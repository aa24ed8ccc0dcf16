package dev.tally.audit.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tally.audit.json.Json;
import dev.tally.audit.keys.VirtualKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mapping between {@link VirtualKey} and the {@code virtual_keys} table, the same in both stores:
 * allowed models and tags are JSON text, times epoch milliseconds, {@code enabled} bound with
 * {@code setBoolean} (a boolean in PostgreSQL, 0/1 in SQLite, whose driver maps both ways).
 * Part of the JDBC core shared by the stores; not API. Stateless.
 */
public final class KeyRows {

    /** The table's columns in the order every statement binds and reads them. */
    public static final String COLUMNS = "id, name, secret_hash, prefix, allowed_models, requests_per_minute, "
            + "tokens_per_minute, budget_micros, budget_period, expires_at, enabled, payload_policy, tags, created_at, "
            + "revoked_at";
    /** The only columns a key is looked up by; never a request value. */
    private static final Set<String> LOOKUP_COLUMNS = Set.of("id", "name", "secret_hash");

    private KeyRows() {
    }

    /** The key whose {@code column} (id, name or secret_hash) is {@code value}. */
    public static Optional<VirtualKey> byColumn(Connection c, String column, String value) throws SQLException {
        if (!LOOKUP_COLUMNS.contains(column)) {
            throw new IllegalArgumentException("column: '" + column + "' (expected one of: " + LOOKUP_COLUMNS + ")");
        }
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM virtual_keys WHERE " + column + " = ?")) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(keyOf(rs)) : Optional.empty();
            }
        }
    }

    /** Every key, revoked ones included, by creation time. */
    public static List<VirtualKey> all(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM virtual_keys ORDER BY created_at, id");
                ResultSet rs = s.executeQuery()) {
            List<VirtualKey> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(keyOf(rs));
            }
            return keys;
        }
    }

    /** Binds the nine mutable columns from allowed_models through tags, starting at {@code first}. */
    public static void bindMutable(PreparedStatement s, int first, VirtualKey key) throws SQLException {
        s.setString(first, json(key.allowedModels()));
        Binds.setNullableLong(s, first + 1, key.requestsPerMinute());
        Binds.setNullableLong(s, first + 2, key.tokensPerMinute());
        Binds.setNullableLong(s, first + 3, key.budgetMicros());
        Binds.setNullable(s, first + 4, key.budgetPeriod() == null ? null : Json.wire(key.budgetPeriod()));
        Binds.setNullableLong(s, first + 5, key.expiresAt() == null ? null : key.expiresAt().toEpochMilli());
        s.setBoolean(first + 6, key.enabled());
        Binds.setNullable(s, first + 7, key.payloadPolicy());
        s.setString(first + 8, json(key.tags()));
    }

    private static VirtualKey keyOf(ResultSet rs) throws SQLException {
        String period = rs.getString(9);
        return new VirtualKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                parse(rs.getString(5), new TypeReference<List<String>>() { }), nullableLong(rs, 6), nullableLong(rs, 7),
                nullableLong(rs, 8),
                period == null ? null : Json.parseEnum(VirtualKey.BudgetPeriod.class, "budget_period", period),
                instant(rs, 10), rs.getBoolean(11), rs.getString(12),
                parse(rs.getString(13), new TypeReference<Map<String, String>>() { }), instant(rs, 14), instant(rs, 15));
    }

    private static Long nullableLong(ResultSet rs, int index) throws SQLException {
        long value = rs.getLong(index);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, int index) throws SQLException {
        Long ms = nullableLong(rs, index);
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("key field cannot be encoded", e);
        }
    }

    private static <T> T parse(String text, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("virtual_keys row holds invalid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
