package dev.tally.audit.store.postgres;

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
import java.util.Map;

/**
 * Usage reports for {@link PostgresAuditStore}: executes the {@link UsagePlan} of a query (whole
 * days from a day table, whole hours from an hourly table, partial edge hours from raw call
 * rows) in one read transaction, so rollups and raw rows agree, and adds everything up in
 * {@link UsageGroups}. The same reads as the SQLite store's; raw rows skip pruned entries. Each
 * rollup read also adds the calls not yet folded into the rollups ({@link UnfoldedCalls}) in the
 * part's range, so the report counts every committed call once whether or not the folder has run.
 *
 * <p>Rollup reads are range scans on the tables' primary keys (time first; tag name, then time
 * for tag tables). Raw reads are range scans of the call index on {@code ts} (or on
 * {@code (key_id, ts)} / {@code (model, ts)} under a key or model filter), reading only the
 * measures from each body ({@link CallMeasures}). Not thread-safe: one instance per report.
 */
final class PostgresUsage {

    private static final String MEASURES = "calls, input_tokens, cached_input_tokens, cache_write_tokens, "
            + "output_tokens, reasoning_tokens, cost_micros, unpriced_calls, latency_hist, ttft_hist";
    private static final CallStatus[] STATUSES = CallStatus.values();

    private final UsageQuery query;
    private final UsageGroups groups;
    private final GroupBy.Tag tagGroup;
    private final Map.Entry<String, String> tagFilter;
    /** Chain to folded_seq of the chains whose newest calls are not in the rollups yet. */
    private Map<String, Long> unfolded = Map.of();

    private PostgresUsage(UsageQuery query) {
        this.query = query;
        this.groups = new UsageGroups(query);
        this.tagGroup = groups.tagGroup();
        this.tagFilter = query.tag().isEmpty() ? null : query.tag().entrySet().iterator().next();
    }

    /** Computes the report in one read transaction. Blocking: returns when every part has been read. */
    static UsageReport usage(Connection c, UsageQuery query) throws SQLException {
        c.setAutoCommit(false);
        try (java.sql.Statement s = c.createStatement()) {
            // One snapshot for every statement of the report.
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
            PostgresUsage usage = new PostgresUsage(query);
            usage.unfolded = UnfoldedCalls.chains(c);
            for (UsagePlan.Part part : UsagePlan.of(query).parts()) {
                usage.read(c, part);
            }
            return UsageReports.build(query, usage.groups.groups());
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
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
                // The rollup rows plus the calls not folded into them yet are every call, once.
                for (Map.Entry<String, Long> chain : unfolded.entrySet()) {
                    calls(c, r.from(), r.to(), false, chain.getKey(), chain.getValue());
                }
            }
            case UsagePlan.Calls calls -> calls(c, calls.from(), calls.to(), false, null, 0);
            case UsagePlan.ExcludedCalls calls -> calls(c, calls.from(), calls.to(), true, null, 0);
        }
    }

    /**
     * Adds the rows of {@code table} in {@code [from, to)}; with {@code subtractFromUntagged}
     * each row is also taken out of its group without the tag (see {@link UsagePlan}).
     */
    private void rollups(Connection c, RollupTable table, Long from, Long to, boolean subtractFromUntagged)
            throws SQLException {
        Sql sql = new Sql("SELECT " + table.grain().column() + ", " + column(table, RollupTable.Dimension.KEY) + ", "
                + column(table, RollupTable.Dimension.MODEL) + ", " + column(table, RollupTable.Dimension.PROVIDER)
                + ", " + column(table, RollupTable.Dimension.STATUS) + ", " + column(table, RollupTable.Dimension.USER)
                + ", " + (table.tagged() ? "tag_value" : "''") + ", " + MEASURES
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
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String status = rs.getString(5);
                RollupKey key = new RollupKey(rs.getLong(1), "", rs.getString(2), rs.getString(3), rs.getString(4),
                        status, rs.getString(6), "", rs.getString(7));
                UsageTotals into;
                if (subtractFromUntagged) {
                    into = new UsageTotals();
                } else {
                    into = groups.forRow(key);
                }
                addRow(into, table, status, rs);
                if (subtractFromUntagged) {
                    groups.untaggedForRow(key).subtract(into);
                    groups.forRow(key).add(into);
                }
            }
        }
    }

    /** The select expression of {@code dimension} in {@code table}: its column, or '' when not carried. */
    private static String column(RollupTable table, RollupTable.Dimension dimension) {
        return table.dimensions().contains(dimension) ? dimension.column() : "''";
    }

    /** Adds the measures of the current row of {@code rs} (columns 8..17, status columns 18..22). */
    private static void addRow(UsageTotals totals, RollupTable table, String status, ResultSet rs)
            throws SQLException {
        CallStatus keyed = table.statusColumns() ? CallStatus.SUCCESS
                : Json.parseEnum(CallStatus.class, "status", status);
        totals.addRow(keyed, rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getBytes(16), rs.getBytes(17));
        if (table.statusColumns()) {
            // addRow counted every call as a success; move the others to their status.
            for (int i = 1; i < STATUSES.length; i++) {
                totals.recount(CallStatus.SUCCESS, STATUSES[i], rs.getLong(18 + i));
            }
        }
    }

    /**
     * Adds the raw call rows with {@code from <= ts < to} (null: unbounded) to their groups, or
     * with {@code excluded} to what is taken out of them; with a {@code chain}, only that chain's
     * rows above {@code afterSeq} (its unfolded calls, read through the primary key).
     */
    private void calls(Connection c, Long from, Long to, boolean excluded, String chain, long afterSeq)
            throws SQLException {
        Sql sql = new Sql("SELECT e.ts, e.key_id, e.model, e.provider, e.status, e.user_id, e.body FROM entries e "
                + "WHERE e.kind = 'call'");
        if (from != null) {
            sql.where("e.ts >= ?", from);
        }
        if (to != null) {
            sql.where("e.ts < ?", to);
        }
        if (chain != null) {
            sql.where("e.chain = ? AND e.seq > ?", chain, afterSeq);
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
        CallMeasures m = new CallMeasures();
        String tagName = tagGroup == null ? null : tagGroup.name();
        try (PreparedStatement s = sql.prepare(c)) {
            s.setFetchSize(1_000); // streamed: the connection is in a transaction
            addCalls(s, m, tagName, excluded);
        }
    }

    private void addCalls(PreparedStatement s, CallMeasures m, String tagName, boolean excluded) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String status = rs.getString(5);
                m.read(rs.getBytes(7), tagName);
                UsageTotals into = groups.forCall(excluded, rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), status, rs.getString(6), m.tagValue);
                into.addCall(Json.parseEnum(CallStatus.class, "status", status), m.inputTokens,
                        m.cachedInputTokens, m.cacheWriteTokens, m.outputTokens, m.reasoningTokens, m.costMicros,
                        m.durationMs, m.ttftMs);
            }
        }
    }
}
