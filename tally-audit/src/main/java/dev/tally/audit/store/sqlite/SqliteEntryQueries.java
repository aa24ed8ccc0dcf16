package dev.tally.audit.store.sqlite;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Newest-first pages of calls and events. The SQL is assembled only from fixed fragments; every
 * value from a query is a bound parameter. The literal {@code kind = 'call'} and
 * {@code kind <> 'call'} terms let SQLite use the partial indexes of the schema.
 */
final class SqliteEntryQueries {

    private SqliteEntryQueries() {
    }

    static Page<ChainedEntry> calls(Connection c, CallQuery q) throws SQLException {
        Sql sql = new Sql("SELECT " + SqliteReads.ENTRY_COLUMNS + " FROM entries e WHERE e.kind = 'call'");
        range(sql, q.since(), q.until());
        sql.equal("e.key_id", q.keyId());
        if (q.keyId() != null && q.model() != null) {
            // A key is far more selective than a model; without statistics SQLite may pick the
            // model index and walk every call of that model. Unary + keeps it on the key index.
            sql.where("+e.model = ?", q.model());
        } else {
            sql.equal("e.model", q.model());
        }
        sql.equal("e.provider", q.provider());
        sql.equal("e.status", q.status() == null ? null : Json.wire(q.status()));
        sql.equal("e.user_id", q.user());
        for (Map.Entry<String, String> tag : q.tags().entrySet()) {
            sql.where("EXISTS (SELECT 1 FROM call_tags t WHERE t.name = ? AND t.value = ? AND t.row_id = e.row_id)",
                    tag.getKey(), tag.getValue());
        }
        return page(c, sql, q.cursor(), q.limit());
    }

    static Page<ChainedEntry> events(Connection c, EventQuery q) throws SQLException {
        Sql sql = new Sql("SELECT " + SqliteReads.ENTRY_COLUMNS + " FROM entries e WHERE e.kind <> 'call'");
        range(sql, q.since(), q.until());
        sql.equal("e.event_type", q.type());
        return page(c, sql, q.cursor(), q.limit());
    }

    private static void range(Sql sql, Instant since, Instant until) {
        if (since != null) {
            sql.where("e.ts >= ?", since.toEpochMilli());
        }
        if (until != null) {
            sql.where("e.ts < ?", until.toEpochMilli());
        }
    }

    private static Page<ChainedEntry> page(Connection c, Sql sql, String cursor, int limit) throws SQLException {
        if (cursor != null) {
            PageCursor after = PageCursor.decode(cursor);
            sql.where("(e.ts, e.row_id) < (?, ?)", after.ts(), after.rowId());
        }
        sql.append(" ORDER BY e.ts DESC, e.row_id DESC LIMIT ?", (long) limit + 1);
        List<ChainedEntry> rows = new ArrayList<>();
        PageCursor last = null;
        boolean more = false;
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                if (rows.size() == limit) {
                    more = true;
                    break;
                }
                rows.add(SqliteReads.entryOf(rs));
                last = new PageCursor(rs.getLong(9), rs.getLong(1));
            }
        }
        return new Page<>(rows, more ? last.encode() : null);
    }

    /** A statement under construction: fixed SQL text plus the values to bind, in order. */
    static final class Sql {
        private final StringBuilder text;
        private final List<Object> values = new ArrayList<>();

        Sql(String start) {
            text = new StringBuilder(start);
        }

        /** Appends {@code AND condition}, binding {@code args}. */
        void where(String condition, Object... args) {
            text.append(" AND ").append(condition);
            values.addAll(List.of(args));
        }

        /** Appends {@code AND column = ?} when {@code value} is not null; {@code column} is a fixed name. */
        void equal(String column, String value) {
            if (value != null) {
                where(column + " = ?", value);
            }
        }

        void append(String fragment, Object... args) {
            text.append(fragment);
            values.addAll(List.of(args));
        }

        PreparedStatement prepare(Connection c) throws SQLException {
            return prepare(c, "");
        }

        /** Prepares the statement with {@code prefix} (e.g. {@code EXPLAIN QUERY PLAN }) before it. */
        PreparedStatement prepare(Connection c, String prefix) throws SQLException {
            PreparedStatement s = c.prepareStatement(prefix + text);
            try {
                for (int i = 0; i < values.size(); i++) {
                    Object v = values.get(i);
                    if (v instanceof Long l) {
                        s.setLong(i + 1, l);
                    } else {
                        s.setString(i + 1, (String) v);
                    }
                }
                return s;
            } catch (SQLException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }
}
