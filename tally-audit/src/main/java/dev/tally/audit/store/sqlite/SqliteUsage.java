package dev.tally.audit.store.sqlite;

import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.rollup.UsageGroups;
import dev.tally.audit.rollup.UsagePlan;
import dev.tally.audit.rollup.UsageTotals;
import dev.tally.audit.store.jdbc.CallMeasures;
import dev.tally.audit.store.jdbc.Sql;
import dev.tally.audit.store.jdbc.UsageReports;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Usage reports for {@link SqliteAuditStore}: executes the {@link UsagePlan} of a query (whole
 * days from a day table, whole hours from an hourly table, partial edge hours from raw call
 * rows, added or, for the outside of an edge hour read whole, subtracted) in one read
 * transaction, so rollups and raw rows agree, and adds everything up in {@link UsageGroups}.
 *
 * <p>Rollup reads are range scans on the tables' primary keys (time first; tag name, then time
 * for tag tables). Raw reads are range scans of the call index on {@code ts} (or on
 * {@code (key_id, ts)} / {@code (model, ts)} under a key or model filter), reading only the
 * measures from each body ({@link CallMeasures}). Not thread-safe: one instance per report.
 */
final class SqliteUsage {

    private static final String MEASURES = "calls, input_tokens, cached_input_tokens, cache_write_tokens, "
            + "output_tokens, reasoning_tokens, cost_micros, unpriced_calls, latency_hist, ttft_hist";
    private static final CallStatus[] STATUSES = CallStatus.values();
    private static final Map<String, CallStatus> BY_WIRE_NAME = new java.util.HashMap<>();

    static {
        for (CallStatus status : STATUSES) {
            BY_WIRE_NAME.put(Json.wire(status), status);
        }
    }

    private final UsageQuery query;
    private final UsageGroups groups;
    private final GroupBy.Tag tagGroup;
    private final Map.Entry<String, String> tagFilter;

    private SqliteUsage(UsageQuery query) {
        this.query = query;
        this.groups = new UsageGroups(query);
        this.tagGroup = groups.tagGroup();
        this.tagFilter = query.tag().isEmpty() ? null : query.tag().entrySet().iterator().next();
    }

    /** Computes the report in one read transaction. Blocking: returns when every part has been read. */
    static UsageReport usage(Connection c, UsageQuery query) throws SQLException {
        c.setAutoCommit(false);
        try {
            SqliteUsage usage = new SqliteUsage(query);
            for (UsagePlan.Part part : UsagePlan.of(query).parts()) {
                usage.read(c, part);
            }
            return UsageReports.build(query, usage.groups.groups());
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /** The statements {@code query}'s report runs, in order; for checking their query plans. */
    static List<Sql> statements(UsageQuery query) {
        SqliteUsage usage = new SqliteUsage(query);
        List<Sql> result = new ArrayList<>();
        for (UsagePlan.Part part : UsagePlan.of(query).parts()) {
            switch (part) {
                case UsagePlan.Rollups r -> {
                    if (usage.groups.subtractsTagged(r.table())) {
                        result.add(usage.rollupSql(r.table().untagged(), r.from(), r.to()));
                    }
                    result.add(usage.rollupSql(r.table(), r.from(), r.to()));
                }
                case UsagePlan.Calls calls -> result.add(usage.callSql(calls.from(), calls.to()));
                case UsagePlan.ExcludedCalls calls -> result.add(usage.callSql(calls.from(), calls.to()));
            }
        }
        return result;
    }

    private void read(Connection c, UsagePlan.Part part) throws SQLException {
        switch (part) {
            case UsagePlan.Rollups r -> {
                if (groups.subtractsTagged(r.table())) {
                    rollups(c, r.table().untagged(), r.from(), r.to(), false);
                    rollups(c, r.table(), r.from(), r.to(), true);
                } else {
                    rollups(c, r.table(), r.from(), r.to(), false);
                }
            }
            case UsagePlan.Calls calls -> calls(c, calls.from(), calls.to(), false);
            case UsagePlan.ExcludedCalls calls -> calls(c, calls.from(), calls.to(), true);
        }
    }

    /** The select of {@code table}'s rows in {@code [from, to)} that match the query's filters. */
    private Sql rollupSql(RollupTable table, Long from, Long to) {
        Sql sql = new Sql("SELECT " + table.grain().column() + ", " + column(table, RollupTable.Dimension.KEY) + ", "
                + column(table, RollupTable.Dimension.MODEL) + ", " + column(table, RollupTable.Dimension.PROVIDER)
                + ", " + column(table, RollupTable.Dimension.STATUS) + ", " + column(table, RollupTable.Dimension.USER)
                + ", " + (table.tagged() && tagGroup != null ? "tag_value" : "''") + ", " + MEASURES
                + (table.statusColumns() ? ", success, errors, refused, cancelled, interrupted" : "")
                + " FROM " + table.tableName() + " WHERE 1 = 1");
        if (table.tagged()) {
            sql.where("tag_name = ?", tagFilter != null ? tagFilter.getKey() : tagGroup.name());
            if (tagFilter != null) {
                sql.where("tag_value = ?", tagFilter.getValue());
            }
        }
        if (from != null) {
            sql.where(table.grain().column() + " >= ?", from);
        }
        if (to != null) {
            sql.where(table.grain().column() + " < ?", to);
        }
        // The plan only picks tables that carry every filtered dimension.
        sql.equal("key_id", query.keyId());
        sql.equal("model", query.model());
        sql.equal("provider", query.provider());
        sql.equal("status", query.status() == null ? null : Json.wire(query.status()));
        sql.equal("user_id", query.user());
        return sql;
    }

    /**
     * Adds the rows of {@code table} in {@code [from, to)}; with {@code subtractFromUntagged}
     * each row is also taken out of its group without the tag (see {@link UsagePlan}).
     */
    private void rollups(Connection c, RollupTable table, Long from, Long to, boolean subtractFromUntagged)
            throws SQLException {
        Sql sql = rollupSql(table, from, to);
        boolean key = !column(table, RollupTable.Dimension.KEY).equals("''");
        boolean model = !column(table, RollupTable.Dimension.MODEL).equals("''");
        boolean provider = !column(table, RollupTable.Dimension.PROVIDER).equals("''");
        boolean status = !column(table, RollupTable.Dimension.STATUS).equals("''");
        boolean user = !column(table, RollupTable.Dimension.USER).equals("''");
        boolean tag = table.tagged() && tagGroup != null;
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                // Columns the report does not need are selected as '' and not read at all.
                String rowStatus = status ? rs.getString(5) : "";
                RollupKey k = new RollupKey(rs.getLong(1), "", key ? rs.getString(2) : "",
                        model ? rs.getString(3) : "", provider ? rs.getString(4) : "", rowStatus,
                        user ? rs.getString(6) : "", "", tag ? rs.getString(7) : "");
                UsageTotals into;
                if (subtractFromUntagged) {
                    into = new UsageTotals();
                } else {
                    into = groups.forRow(k);
                }
                addRow(into, table, rowStatus, rs);
                if (subtractFromUntagged) {
                    groups.untaggedForRow(k).subtract(into);
                    groups.forRow(k).add(into);
                }
            }
        }
    }

    /**
     * The select expression of {@code dimension} in {@code table}: its column when the report
     * needs its value (it groups by it; the status of a row is always needed), else ''. Not
     * reading what no group needs saves a JNI call and a string per row.
     */
    private String column(RollupTable table, RollupTable.Dimension dimension) {
        boolean needed = switch (dimension) {
            case KEY -> query.groupBy().contains(GroupBy.Dimension.KEY);
            case MODEL -> query.groupBy().contains(GroupBy.Dimension.MODEL);
            case PROVIDER -> query.groupBy().contains(GroupBy.Dimension.PROVIDER);
            case USER -> query.groupBy().contains(GroupBy.Dimension.USER);
            case STATUS -> true;
            case TAG -> tagGroup != null;
        };
        return needed && table.dimensions().contains(dimension) ? dimension.column() : "''";
    }

    /** Adds the measures of the current row of {@code rs} (columns 8..17, status columns 18..22). */
    private static void addRow(UsageTotals totals, RollupTable table, String status, ResultSet rs)
            throws SQLException {
        CallStatus keyed = table.statusColumns() ? CallStatus.SUCCESS : status(status);
        totals.addRow(keyed, rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getBytes(16), rs.getBytes(17));
        if (table.statusColumns()) {
            // addRow counted every call as a success; move the others to their status.
            for (int i = 1; i < STATUSES.length; i++) {
                totals.recount(CallStatus.SUCCESS, STATUSES[i], rs.getLong(18 + i));
            }
        }
    }

    /** The select of the raw call rows in {@code [from, to)} that match the query's filters. */
    private Sql callSql(Long from, Long to) {
        Sql sql = new Sql("SELECT e.ts, e.key_id, e.model, e.provider, e.status, e.user_id, e.body FROM entries e "
                + "WHERE e.kind = 'call'");
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
            sql.where("EXISTS (SELECT 1 FROM call_tags t WHERE t.name = ? AND t.value = ? AND t.row_id = e.row_id)",
                    tagFilter.getKey(), tagFilter.getValue());
        }
        return sql;
    }

    /** The status of a stored wire name; a lookup instead of parsing, since it runs per row. */
    private static CallStatus status(String wire) {
        CallStatus status = BY_WIRE_NAME.get(wire);
        if (status == null) {
            return Json.parseEnum(CallStatus.class, "status", wire); // throws, naming the value
        }
        return status;
    }

    /**
     * Adds the raw call rows with {@code from <= ts < to} (null: unbounded) to their groups, or
     * with {@code excluded} to what is taken out of them.
     */
    private void calls(Connection c, Long from, Long to, boolean excluded) throws SQLException {
        Sql sql = callSql(from, to);
        CallMeasures m = new CallMeasures();
        String tagName = tagGroup == null ? null : tagGroup.name();
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String status = rs.getString(5);
                m.read(rs.getBytes(7), tagName);
                UsageTotals into = groups.forCall(excluded, rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), status, rs.getString(6), m.tagValue);
                into.addCall(status(status), m.inputTokens, m.cachedInputTokens, m.cacheWriteTokens,
                        m.outputTokens, m.reasoningTokens, m.costMicros, m.durationMs, m.ttftMs);
            }
        }
    }
}
