package dev.tally.audit.store.postgres;

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
 * Newest-first pages of calls and events. The literal {@code kind = 'call'} and
 * {@code kind <> 'call'} terms match the partial indexes; the ts bounds let PostgreSQL skip
 * whole day partitions, and newest-first reads walk the partitions from the newest one, so a
 * page touches one or two days however long the table is.
 */
final class PostgresEntryQueries {

    private PostgresEntryQueries() {
    }

    static Page<ChainedEntry> calls(Connection c, CallQuery q) throws SQLException {
        Sql sql = new Sql("SELECT " + PostgresReads.ENTRY_COLUMNS + " FROM entries e WHERE e.kind = 'call'");
        range(sql, q.since(), q.until());
        sql.equal("e.key_id", q.keyId());
        sql.equal("e.model", q.model());
        sql.equal("e.provider", q.provider());
        sql.equal("e.status", q.status() == null ? null : Json.wire(q.status()));
        sql.equal("e.user_id", q.user());
        for (Map.Entry<String, String> tag : q.tags().entrySet()) {
            sql.where("EXISTS (SELECT 1 FROM call_tags t WHERE t.name = ? AND t.value = ? AND t.ts = e.ts "
                    + "AND t.chain = e.chain AND t.seq = e.seq)", tag.getKey(), tag.getValue());
        }
        return page(c, sql, q.cursor(), q.limit());
    }

    static Page<ChainedEntry> events(Connection c, EventQuery q) throws SQLException {
        Sql sql = new Sql("SELECT " + PostgresReads.ENTRY_COLUMNS + " FROM entries e WHERE e.kind <> 'call'");
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
            EntryCursor after = EntryCursor.decode(cursor);
            // The plain ts bound lets the index and partition pruning do the work; the row
            // comparison breaks ties within one millisecond.
            sql.where("e.ts <= ? AND (e.ts, e.chain, e.seq) < (?, ?, ?)", after.ts(), after.ts(), after.chain(),
                    after.seq());
        }
        sql.where(PostgresReads.VISIBLE);
        sql.append(" ORDER BY e.ts DESC, e.chain DESC, e.seq DESC LIMIT ?", (long) limit + 1);
        List<ChainedEntry> rows = new ArrayList<>();
        EntryCursor last = null;
        boolean more = false;
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                if (rows.size() == limit) {
                    more = true;
                    break;
                }
                rows.add(PostgresReads.entryOf(rs));
                last = new EntryCursor(rs.getLong(8), rs.getString(1), rs.getLong(2));
            }
        }
        return new Page<>(rows, more ? last.encode() : null);
    }
}
