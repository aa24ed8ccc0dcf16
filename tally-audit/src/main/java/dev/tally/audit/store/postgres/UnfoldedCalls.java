package dev.tally.audit.store.postgres;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.rollup.RollupBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The call entries not yet in the rollups ({@link RollupFolder}): per chain, those above its
 * {@code folded_seq}. Every reader of the rollups adds them, read in the same snapshot as the
 * rollup rows, so what it sees is exact whether or not a fold has run: the rollup tables plus
 * these entries are every committed call, each once. The folder keeps them to at most
 * {@value FoldSchedule#BACKLOG} entries or {@link FoldSchedule#MAX_DELAY} of a busy chain's
 * traffic (none once its writer is quiet); they are read through the (chain, seq) primary key and
 * their bodies parsed. Stateless.
 */
final class UnfoldedCalls {

    /**
     * The lock statement of {@link dev.tally.audit.alert.BudgetCrossings} on this store: a budget
     * period's transaction-scoped advisory lock, its class beside the writer's chain lock
     * (1952541817) and {@link RollupFolder#LOCK_CLASS}. Instances writing side by side read a
     * budget's spend one after the other, each after the one before committed.
     */
    static final String BUDGET_LOCK = "SELECT pg_advisory_xact_lock(1952541819, ?)";

    /**
     * The spend SQL of {@link dev.tally.audit.alert.BudgetCrossings} on this store: the day
     * rollup's sum plus the cost of the unfolded calls, in ONE statement (one snapshot even in
     * the writer's read-committed transaction, so a fold committing meanwhile is counted once).
     * Parameters as the default SQL's: subject (tag: name, value), then the period's start and end.
     */
    static String spendSql(dev.tally.audit.alert.BudgetKind kind) {
        String params = switch (kind) {
            case KEY, USER -> "SELECT ?::text AS subject, ''::text AS tag_value, ?::bigint AS from_ms, ?::bigint AS to_ms";
            case TAG -> "SELECT ?::text AS subject, ?::text AS tag_value, ?::bigint AS from_ms, ?::bigint AS to_ms";
        };
        String rollups = switch (kind) {
            case KEY -> "SELECT sum(r.cost_micros) FROM day_rollups r WHERE r.key_id = p.subject";
            case USER -> "SELECT sum(r.cost_micros) FROM user_day_rollups r WHERE r.user_id = p.subject";
            case TAG -> "SELECT sum(r.cost_micros) FROM tag_day_rollups r WHERE r.tag_name = p.subject "
                    + "AND r.tag_value = p.tag_value";
        };
        String match = switch (kind) {
            case KEY -> "e.key_id = p.subject";
            case USER -> "e.user_id = p.subject";
            case TAG -> "EXISTS (SELECT 1 FROM call_tags t WHERE t.name = p.subject AND t.value = p.tag_value "
                    + "AND t.ts = e.ts AND t.chain = e.chain AND t.seq = e.seq)";
        };
        // json, not jsonb: only the number is read, and json accepts every string the body may hold.
        return "WITH p AS (" + params + ") SELECT coalesce((" + rollups + " AND r.day >= p.from_ms AND r.day < p.to_ms), 0)"
                + " + coalesce((SELECT sum((convert_from(e.body, 'UTF8')::json ->> 'cost_micros')::bigint) "
                + "FROM chain_heads h LEFT JOIN rollup_folds f ON f.chain = h.chain "
                + "JOIN entries e ON e.chain = h.chain AND e.seq > coalesce(f.folded_seq, 0) "
                + "WHERE h.seq > coalesce(f.folded_seq, 0) AND e.kind = 'call' AND e.ts >= p.from_ms "
                + "AND e.ts < p.to_ms AND " + match + "), 0) FROM p";
    }

    private UnfoldedCalls() {
    }

    /** Chain to {@code folded_seq} of every chain with unfolded entries, in the caller's snapshot. */
    static Map<String, Long> chains(Connection c) throws SQLException {
        Map<String, Long> chains = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT h.chain, coalesce(f.folded_seq, 0) FROM chain_heads h "
                + "LEFT JOIN rollup_folds f ON f.chain = h.chain WHERE h.seq > coalesce(f.folded_seq, 0)");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                chains.put(rs.getString(1), rs.getLong(2));
            }
        }
        return chains;
    }

    /** The rollup rows {@code chain}'s unfolded calls add, in the caller's snapshot (empty when none). */
    static RollupBatch rollups(Connection c, String chain) throws SQLException {
        RollupBatch batch = new RollupBatch();
        try (PreparedStatement s = c.prepareStatement("SELECT e.body FROM entries e WHERE e.chain = ? "
                + "AND e.seq > coalesce((SELECT folded_seq FROM rollup_folds WHERE chain = ?), 0) AND e.kind = 'call'")) {
            s.setFetchSize(1_000);
            s.setString(1, chain);
            s.setString(2, chain);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    try {
                        if (RollupFields.parse(rs.getBytes(1)) instanceof CallRecord call) {
                            batch.add(chain, call);
                        }
                    } catch (IllegalArgumentException e) {
                        // A body that is not an entry: the deep check reports the entry itself.
                    }
                }
            }
        }
        return batch;
    }
}
