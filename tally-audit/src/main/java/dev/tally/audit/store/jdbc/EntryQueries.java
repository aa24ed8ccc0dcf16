package dev.tally.audit.store.jdbc;

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
 * Newest-first pages of calls and events, for both stores. The SQL is assembled only from fixed
 * fragments; every value from a query is a bound parameter. The literal {@code kind = 'call'} and
 * {@code kind <> 'call'} terms match the partial indexes of both schemas; on PostgreSQL the ts
 * bounds also let it skip whole day partitions, and newest-first reads walk the partitions from
 * the newest one. What differs (tag join, page order and cursor, visibility, an index hint) is the
 * {@link Dialect}'s. Part of the JDBC core; not API. Stateless.
 */
public final class EntryQueries {

    private EntryQueries() {
    }

    /** A page of call records matching {@code q} on {@code c}. */
    public static Page<ChainedEntry> calls(Connection c, Dialect dialect, CallQuery q) throws SQLException {
        Sql sql = new Sql("SELECT " + dialect.entryColumns() + " FROM entries e WHERE e.kind = 'call'");
        range(sql, q.since(), q.until());
        sql.equal("e.key_id", q.keyId());
        dialect.model(sql, q);
        sql.equal("e.provider", q.provider());
        sql.equal("e.status", q.status() == null ? null : Json.wire(q.status()));
        sql.equal("e.user_id", q.user());
        for (Map.Entry<String, String> tag : q.tags().entrySet()) {
            sql.where(dialect.tagExists(), tag.getKey(), tag.getValue());
        }
        return page(c, dialect, sql, q.cursor(), q.limit());
    }

    /** A page of security and admin events matching {@code q} on {@code c}. */
    public static Page<ChainedEntry> events(Connection c, Dialect dialect, EventQuery q) throws SQLException {
        Sql sql = new Sql("SELECT " + dialect.entryColumns() + " FROM entries e WHERE e.kind <> 'call'");
        range(sql, q.since(), q.until());
        sql.equal("e.event_type", q.type());
        return page(c, dialect, sql, q.cursor(), q.limit());
    }

    private static void range(Sql sql, Instant since, Instant until) {
        if (since != null) {
            sql.where("e.ts >= ?", since.toEpochMilli());
        }
        if (until != null) {
            sql.where("e.ts < ?", until.toEpochMilli());
        }
    }

    private static Page<ChainedEntry> page(Connection c, Dialect dialect, Sql sql, String cursor, int limit)
            throws SQLException {
        if (cursor != null) {
            dialect.after(sql, cursor);
        }
        if (dialect.visible() != null) {
            sql.where(dialect.visible());
        }
        sql.append(dialect.newestFirst() + " LIMIT ?", (long) limit + 1);
        List<ChainedEntry> rows = new ArrayList<>();
        String last = null;
        boolean more = false;
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                if (rows.size() == limit) {
                    more = true;
                    break;
                }
                rows.add(dialect.entryOf(rs));
                last = dialect.cursorAt(rs);
            }
        }
        return new Page<>(rows, more ? last : null);
    }
}
