package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.rollup.UsageTotals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage reports for {@link PostgresAuditStore}, read as in the SQLite store: the same rollup
 * tables, the same edge handling; raw rows skip pruned entries.
 *
 * <p>Whole UTC days inside {@code [since, until)} are read from {@code day_rollups} when the
 * report needs neither user, status, hour nor tags; whole hours from the hourly rollup tables; the
 * partial hours at either edge are aggregated from the raw call rows of just those ranges. So a
 * report is exact for any bounds, while a month-long report reads about one row per day, key,
 * model and provider. Raw rows and rollup rows add up through the same
 * {@link UsageTotals}.
 *
 * <p>Tags: a tag filter reads {@code tag_rollups} for that tag value. Grouping by a tag reads
 * that tag's rows for the tagged groups, and computes the group of calls without the tag as
 * all calls minus the tagged ones (rollup counts and histograms subtract exactly). A tag filter
 * combined with grouping by a different tag has no rollup to read, so it is aggregated from the
 * raw rows of the whole range.
 */
final class PostgresUsage {

    private static final String MEASURES = "calls, input_tokens, cached_input_tokens, cache_write_tokens, "
            + "output_tokens, reasoning_tokens, cost_micros, unpriced_calls, latency_hist, ttft_hist";

    private final UsageQuery query;
    private final GroupBy.Tag tagGroup;
    private final Map.Entry<String, String> tagFilter;
    private final Map<List<String>, UsageTotals> groups = new HashMap<>();

    private PostgresUsage(UsageQuery query) {
        this.query = query;
        this.tagGroup = query.groupBy().stream()
                .filter(g -> g instanceof GroupBy.Tag).map(g -> (GroupBy.Tag) g).findFirst().orElse(null);
        this.tagFilter = query.tag().isEmpty() ? null : query.tag().entrySet().iterator().next();
    }

    /** Computes the report in one read transaction, so rollups and raw rows agree. */
    static UsageReport usage(Connection c, UsageQuery query) throws SQLException {
        c.setAutoCommit(false);
        try (java.sql.Statement s = c.createStatement()) {
            // One snapshot for every statement of the report.
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
            PostgresUsage usage = new PostgresUsage(query);
            usage.collect(c);
            return UsageReports.build(query, usage.groups);
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private void collect(Connection c) throws SQLException {
        Long since = query.since() == null ? null : query.since().toEpochMilli();
        Long until = query.until() == null ? null : query.until().toEpochMilli();
        if (tagFilter != null && tagGroup != null && !tagGroup.name().equals(tagFilter.getKey())) {
            raw(c, since, until);
            return;
        }
        if (!dailyRowsServe()) {
            collectHours(c, since, until);
            return;
        }
        Long dayFrom = since == null ? null : Math.ceilDiv(since, RollupKey.DAY_MS) * RollupKey.DAY_MS;
        Long dayTo = until == null ? null : Math.floorDiv(until, RollupKey.DAY_MS) * RollupKey.DAY_MS;
        if (dayFrom != null && dayTo != null && dayFrom >= dayTo) {
            collectHours(c, since, until);
            return;
        }
        readRollups(c, Table.DAY, dayFrom, dayTo, null, null, groups, null);
        if (since != null && since < dayFrom) {
            collectHours(c, since, dayFrom);
        }
        if (until != null && dayTo < until) {
            collectHours(c, dayTo, until);
        }
    }

    /** Whether the day rollups (no user, status key or tags; whole days) can answer for whole days. */
    private boolean dailyRowsServe() {
        return tagFilter == null && tagGroup == null && query.user() == null && query.status() == null
                && !query.groupBy().contains(GroupBy.Dimension.USER)
                && !query.groupBy().contains(GroupBy.Dimension.STATUS)
                && !query.groupBy().contains(GroupBy.Dimension.HOUR)
                && !query.groupBy().contains(GroupBy.Dimension.HOUR_OF_DAY);
    }

    /** Adds {@code [since, until)} (null: unbounded) from hourly rollups and raw edge rows. */
    private void collectHours(Connection c, Long since, Long until) throws SQLException {
        Long fullFrom = since == null ? null : Math.ceilDiv(since, RollupKey.HOUR_MS) * RollupKey.HOUR_MS;
        Long fullTo = until == null ? null : Math.floorDiv(until, RollupKey.HOUR_MS) * RollupKey.HOUR_MS;
        if (fullFrom != null && fullTo != null && fullFrom >= fullTo) {
            if (since < until) {
                raw(c, since, until);
            }
            return;
        }
        rollups(c, fullFrom, fullTo);
        if (since != null && since < fullFrom) {
            raw(c, since, fullFrom);
        }
        if (until != null && fullTo < until) {
            raw(c, fullTo, until);
        }
    }

    private void rollups(Connection c, Long from, Long to) throws SQLException {
        if (tagFilter != null) {
            readRollups(c, Table.TAG, from, to, tagFilter.getKey(), tagFilter.getValue(), groups, null);
        } else if (tagGroup != null) {
            Map<List<String>, UsageTotals> all = new HashMap<>();
            Map<List<String>, UsageTotals> tagged = new HashMap<>();
            readRollups(c, Table.PLAIN, from, to, null, null, all, null);
            readRollups(c, Table.TAG, from, to, tagGroup.name(), null, groups, tagged);
            for (Map.Entry<List<String>, UsageTotals> e : all.entrySet()) {
                UsageTotals untagged = e.getValue();
                UsageTotals withTag = tagged.get(e.getKey());
                if (withTag != null) {
                    untagged.subtract(withTag);
                }
                if (untagged.calls() > 0) {
                    groups.computeIfAbsent(e.getKey(), k -> new UsageTotals()).add(untagged);
                }
            }
        } else {
            readRollups(c, Table.PLAIN, from, to, null, null, groups, null);
        }
    }

    /** The rollup tables: name, time column, and the status, user and tag value expressions read. */
    private enum Table {
        PLAIN("rollups", "hour", "status", "user_id", "''"),
        TAG("tag_rollups", "hour", "status", "user_id", "tag_value"),
        /** Counts per status are columns here; rows are read as success and recounted. */
        DAY("day_rollups", "day", "'success'", "''", "''");

        final String name;
        final String time;
        final String status;
        final String user;
        final String tagValue;

        Table(String name, String time, String status, String user, String tagValue) {
            this.name = name;
            this.time = time;
            this.status = status;
            this.user = user;
            this.tagValue = tagValue;
        }
    }

    /**
     * Adds rollup rows to {@code into} by group key; when {@code alsoUntagged} is given, also adds
     * each row under its key with the tag value blanked (to subtract tagged calls from all calls).
     */
    private void readRollups(Connection c, Table table, Long from, Long to, String tagName, String tagValue,
            Map<List<String>, UsageTotals> into, Map<List<String>, UsageTotals> alsoUntagged) throws SQLException {
        boolean tagTable = table == Table.TAG;
        boolean dayTable = table == Table.DAY;
        Sql sql = new Sql("SELECT " + table.time + ", key_id, model, provider, " + table.status + ", " + table.user
                + ", " + table.tagValue + ", " + MEASURES
                + (dayTable ? ", errors, refused, cancelled, interrupted" : "") + " FROM " + table.name + " WHERE 1 = 1");
        if (from != null) {
            sql.where(table.time + " >= ?", from);
        }
        if (to != null) {
            sql.where(table.time + " < ?", to);
        }
        sql.equal("tag_name", tagName);
        sql.equal("tag_value", tagValue);
        sql.equal("key_id", query.keyId());
        sql.equal("model", query.model());
        sql.equal("provider", query.provider());
        if (!dayTable) {
            sql.equal("status", query.status() == null ? null : Json.wire(query.status()));
            sql.equal("user_id", query.user());
        }
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String tag = tagTable ? RollupKey.absent(rs.getString(7)) : null;
                List<String> key = key(rs.getLong(1), RollupKey.absent(rs.getString(2)),
                        RollupKey.absent(rs.getString(3)), RollupKey.absent(rs.getString(4)), rs.getString(5),
                        RollupKey.absent(rs.getString(6)), tag);
                CallStatus status = Json.parseEnum(CallStatus.class, "status", rs.getString(5));
                UsageTotals totals = into.computeIfAbsent(key, k -> new UsageTotals());
                addRow(totals, status, rs);
                if (dayTable) {
                    totals.recount(CallStatus.SUCCESS, CallStatus.ERROR, rs.getLong(18));
                    totals.recount(CallStatus.SUCCESS, CallStatus.REFUSED, rs.getLong(19));
                    totals.recount(CallStatus.SUCCESS, CallStatus.CANCELLED, rs.getLong(20));
                    totals.recount(CallStatus.SUCCESS, CallStatus.INTERRUPTED, rs.getLong(21));
                }
                if (alsoUntagged != null) {
                    List<String> untaggedKey = key(rs.getLong(1), RollupKey.absent(rs.getString(2)),
                            RollupKey.absent(rs.getString(3)), RollupKey.absent(rs.getString(4)), rs.getString(5),
                            RollupKey.absent(rs.getString(6)), null);
                    addRow(alsoUntagged.computeIfAbsent(untaggedKey, k -> new UsageTotals()), status, rs);
                }
            }
        }
    }

    /** Adds the measures of the current rollup row of {@code rs} (columns 8..17) to {@code totals}. */
    private static void addRow(UsageTotals totals, CallStatus status, ResultSet rs) throws SQLException {
        totals.addRow(status, rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getBytes(16), rs.getBytes(17));
    }

    /** Adds the raw call rows with {@code from <= ts < to} (null: unbounded). */
    private void raw(Connection c, Long from, Long to) throws SQLException {
        Sql sql = new Sql("SELECT e.body FROM entries e WHERE e.kind = 'call'");
        if (from != null) {
            sql.where("e.ts >= ?", from);
        }
        if (to != null) {
            sql.where("e.ts < ?", to);
        }
        sql.equal("e.key_id", query.keyId());
        sql.equal("e.model", query.model());
        sql.equal("e.provider", query.provider());
        sql.equal("e.status", query.status() == null ? null : Json.wire(query.status()));
        sql.equal("e.user_id", query.user());
        if (tagFilter != null) {
            sql.where("EXISTS (SELECT 1 FROM call_tags t WHERE t.name = ? AND t.value = ? AND t.ts = e.ts "
                    + "AND t.chain = e.chain AND t.seq = e.seq)", tagFilter.getKey(), tagFilter.getValue());
        }
        sql.where(PostgresReads.VISIBLE);
        try (PreparedStatement s = sql.prepare(c)) {
            s.setFetchSize(1_000); // stream: the connection is in a transaction
            try (ResultSet rs = s.executeQuery()) {
                addRaw(rs);
            }
        }
    }

    private void addRaw(ResultSet rs) throws SQLException {
        while (rs.next()) {
            if (!(EntryHasher.parse(rs.getBytes(1)) instanceof CallRecord call)) {
                throw new IllegalStateException("entries row of kind 'call' holds another kind of entry");
            }
            long ts = call.startedAt().toEpochMilli();
            List<String> key = key(Math.floorDiv(ts, RollupKey.HOUR_MS) * RollupKey.HOUR_MS, call.keyId(),
                    call.model(), call.provider(), Json.wire(call.status()), call.user(),
                    tagGroup == null ? null : call.tags().get(tagGroup.name()));
            groups.computeIfAbsent(key, k -> new UsageTotals()).add(call);
        }
    }

    /** The group key of a row: its value for each requested dimension, in order (null = absent). */
    private List<String> key(long hour, String keyId, String model, String provider, String status, String user,
            String tagValue) {
        String[] values = new String[query.groupBy().size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (query.groupBy().get(i)) {
                case GroupBy.Dimension d -> switch (d) {
                    case MODEL -> model;
                    case KEY -> keyId;
                    case PROVIDER -> provider;
                    case STATUS -> status;
                    case USER -> user;
                    case HOUR -> java.time.Instant.ofEpochMilli(hour).toString();
                    case DAY -> java.time.LocalDate.ofEpochDay(Math.floorDiv(hour, 86_400_000L)).toString();
                    case HOUR_OF_DAY -> Long.toString(Math.floorMod(hour / RollupKey.HOUR_MS, 24));
                };
                case GroupBy.Tag t -> tagValue;
            };
        }
        return Arrays.asList(values);
    }

}
