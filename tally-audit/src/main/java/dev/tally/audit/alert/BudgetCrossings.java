package dev.tally.audit.alert;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.store.WriteBatch;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the outbox rows of the budgets a batch pushed over a threshold, inside the batch's own
 * transaction, after its rollups (SQLite) or its entries (PostgreSQL) were written: both stores'
 * writers call {@link #write} last in their commit. So an alert exists exactly when the spend that
 * crossed its threshold is committed, and a rolled-back batch leaves neither.
 *
 * <p>How: for every budget a priced call of the batch counts toward, the spend of the call's
 * period is summed from the day rollups (key: {@code day_rollups}, user: {@code user_day_rollups},
 * tag: {@code tag_day_rollups}; every chain, so every instance's calls), as this transaction sees
 * them; on PostgreSQL, which folds calls into the rollups after their commit, plus the calls not
 * folded yet, in the same statement. Each threshold at or below that spend gets a row, inserted with
 * {@code ON CONFLICT (budget, period_start, threshold) DO NOTHING}: the unique key makes it once
 * per threshold per period whichever instance and batch get there first. On PostgreSQL two
 * instances committing at once would each see the other's uncommitted calls as not yet spent, and
 * a threshold only their calls together cross would wait for the next call that counts toward the
 * budget (which may never come); so a store whose writers run side by side gives a lock statement,
 * and the batch takes each budget's lock (for its period, in a fixed order, held to the commit)
 * before it reads that spend: the second batch then reads after the first committed, and sees it.
 * The lock is only taken while the budget has a threshold not yet written. Ids already written
 * (committed) are remembered so a budget past its thresholds costs no lock and no insert per batch.
 *
 * <p>Thread-safe for {@link #rules}; {@link #write}, {@link #committed} and {@link #rolledBack}
 * are called under the store's writer lock.
 */
public final class BudgetCrossings {

    private static final long MAX_REMEMBERED = 100_000;
    private static final String INSERT = "INSERT INTO budget_alerts (id, budget, kind, subject, period, period_start, "
            + "threshold, budget_micros, spent_micros, crossed_at, record_id, state, attempts, next_attempt_at, "
            + "lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, 0) "
            + "ON CONFLICT (budget, period_start, threshold) DO NOTHING";

    private final java.util.function.Function<BudgetKind, String> spendSql;
    private final String lockSql; // null: one writer at a time (SQLite)
    private volatile AlertRules rules = AlertRules.NONE;
    private final Set<String> written = new HashSet<>(); // committed ids; guarded by the writer lock
    private final Set<String> pending = new HashSet<>(); // ids of the open transaction

    /** Crossings whose spend is the day rollups' sum (a store that updates them in the writer's commit). */
    public BudgetCrossings() {
        this.spendSql = BudgetCrossings::rollupSpendSql;
        this.lockSql = null;
    }

    /**
     * Crossings whose spend is read with {@code spendSql} of the budget's kind: one statement
     * returning one number, parameters the subject (a tag: its name, then its value), then the
     * period's start and end (epoch ms, end exclusive). It must count the calls the store adds to
     * its rollups after their commit, in the same statement. {@code lockSql} takes a lock held to
     * the end of the transaction, its one parameter an int naming a budget's period; it runs
     * before that spend is read, so batches committing side by side each see the one before.
     */
    public BudgetCrossings(java.util.function.Function<BudgetKind, String> spendSql, String lockSql) {
        this.spendSql = java.util.Objects.requireNonNull(spendSql, "spendSql");
        this.lockSql = java.util.Objects.requireNonNull(lockSql, "lockSql");
    }

    /** The budgets that alert from the next commit on. */
    public void rules(AlertRules rules) {
        this.rules = rules;
    }

    /** Adds the rows of the thresholds {@code batch} crossed, on {@code c} in its open transaction. */
    public void write(Connection c, WriteBatch batch) throws SQLException {
        AlertRules current = rules;
        if (current.isEmpty()) {
            return;
        }
        Map<String, AlertBudget> users = current.index(BudgetKind.USER);
        Map<String, AlertBudget> tags = current.index(BudgetKind.TAG);
        Map<String, AlertBudget> keyEntries = current.index(BudgetKind.KEY);
        Map<String, AlertBudget> keys = new LinkedHashMap<>(); // key id -> its budget, read in this transaction
        Map<Target, CallRecord> targets = new LinkedHashMap<>(); // the latest call per budget and period
        for (ChainedEntry e : batch.entries()) {
            if (!(e.entry() instanceof CallRecord call) || call.costMicros() == null || call.costMicros() <= 0) {
                continue; // spend did not grow: nothing can cross
            }
            if (call.keyId() != null) {
                AlertBudget key = keys.containsKey(call.keyId()) ? keys.get(call.keyId())
                        : keyBudget(c, current, keyEntries, call.keyId());
                keys.put(call.keyId(), key);
                add(targets, key, call);
            }
            if (call.user() != null) {
                add(targets, users.get(call.user()), call);
            }
            for (Map.Entry<String, String> tag : call.tags().entrySet()) {
                add(targets, tags.get(tag.getKey() + "=" + tag.getValue()), call);
            }
        }
        Map<Target, List<Integer>> open = new LinkedHashMap<>();
        for (Target t : targets.keySet()) {
            List<Integer> thresholds = open(t);
            if (!thresholds.isEmpty()) {
                open.put(t, thresholds);
            }
        }
        lock(c, open.keySet());
        for (Map.Entry<Target, List<Integer>> t : open.entrySet()) {
            cross(c, t.getKey(), t.getValue(), targets.get(t.getKey()));
        }
    }

    /** The thresholds of {@code target} not known to be written; none when it has no budget. */
    private List<Integer> open(Target target) {
        AlertBudget b = target.budget();
        if (b.budgetMicros() <= 0) {
            return List.of();
        }
        String budgetId = AlertBudget.id(b.kind(), b.subject());
        long start = target.periodStart().toEpochMilli();
        return b.thresholds().stream().filter(t -> !written.contains(deliveryId(budgetId, start, t))).toList();
    }

    /**
     * Takes the lock of every target's budget period, ascending by lock number: every batch takes
     * them in the same order, so two batches wanting the same two never deadlock.
     */
    private void lock(Connection c, Set<Target> targets) throws SQLException {
        if (lockSql == null || targets.isEmpty()) {
            return;
        }
        java.util.TreeSet<Integer> numbers = new java.util.TreeSet<>();
        for (Target t : targets) {
            numbers.add(lockNumber(t));
        }
        try (PreparedStatement s = c.prepareStatement(lockSql)) {
            for (int n : numbers) {
                s.setInt(1, n);
                s.execute();
            }
        }
    }

    /** A budget period's lock number; two periods sharing one only wait for each other. */
    private static int lockNumber(Target target) {
        AlertBudget b = target.budget();
        // String.hashCode is specified, so every instance (and JDK) names the same lock.
        return (AlertBudget.id(b.kind(), b.subject()) + "\0" + target.periodStart().toEpochMilli()).hashCode();
    }

    /** The batch's transaction committed. */
    public void committed() {
        if (written.size() > MAX_REMEMBERED) {
            written.clear(); // only an optimisation: the unique key keeps it exact
        }
        written.addAll(pending);
        pending.clear();
    }

    /** The batch's transaction was rolled back (or its outcome is unknown). */
    public void rolledBack() {
        pending.clear();
    }

    private static void add(Map<Target, CallRecord> targets, AlertBudget budget, CallRecord call) {
        if (budget == null || budget.thresholds().isEmpty()) {
            return;
        }
        Instant start = periodStart(budget.period(), call.startedAt());
        targets.merge(new Target(budget, start), call, (a, b) -> b);
    }

    /** The key's budget as stored, with its thresholds; null when it has none or does not alert. */
    private static AlertBudget keyBudget(Connection c, AlertRules rules, Map<String, AlertBudget> entries, String id)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT name, budget_micros, budget_period FROM virtual_keys WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long micros = rs.getLong(2);
                if (rs.wasNull() || rs.getString(3) == null) {
                    return null;
                }
                List<Integer> thresholds = rules.keyThresholds(entries, id, rs.getString(1));
                BudgetPeriod period = Json.parseEnum(BudgetPeriod.class, "budget_period", rs.getString(3));
                return thresholds.isEmpty() ? null : new AlertBudget(BudgetKind.KEY, id, micros, period, thresholds);
            }
        }
    }

    private void cross(Connection c, Target target, List<Integer> open, CallRecord call) throws SQLException {
        AlertBudget b = target.budget();
        String budgetId = AlertBudget.id(b.kind(), b.subject());
        long start = target.periodStart().toEpochMilli();
        long spent = spent(c, b, start, nextPeriodStart(b.period(), target.periodStart()).toEpochMilli());
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            int rows = 0;
            for (int threshold : open) {
                if (!reached(spent, b.budgetMicros(), threshold)) {
                    continue;
                }
                String id = deliveryId(budgetId, start, threshold);
                s.setString(1, id);
                s.setString(2, budgetId);
                s.setString(3, Json.wire(b.kind()));
                s.setString(4, b.subject());
                s.setString(5, Json.wire(b.period()));
                s.setLong(6, start);
                s.setInt(7, threshold);
                s.setLong(8, b.budgetMicros());
                s.setLong(9, spent);
                s.setLong(10, call.startedAt().toEpochMilli());
                s.setString(11, call.id());
                s.setLong(12, call.startedAt().toEpochMilli());
                s.addBatch();
                pending.add(id);
                rows++;
            }
            if (rows > 0) {
                s.executeBatch();
            }
        }
    }

    /** The default spend SQL: the day rollup's sum, for a store whose rollups hold every committed call. */
    private static String rollupSpendSql(BudgetKind kind) {
        return switch (kind) {
            case KEY -> "SELECT coalesce(sum(cost_micros), 0) FROM day_rollups WHERE key_id = ? AND day >= ? AND day < ?";
            case USER -> "SELECT coalesce(sum(cost_micros), 0) FROM user_day_rollups WHERE user_id = ? AND day >= ? "
                    + "AND day < ?";
            case TAG -> "SELECT coalesce(sum(cost_micros), 0) FROM tag_day_rollups WHERE tag_name = ? AND tag_value = ? "
                    + "AND day >= ? AND day < ?";
        };
    }

    private long spent(Connection c, AlertBudget b, long from, long to) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(spendSql.apply(b.kind()))) {
            int p = 1;
            if (b.kind() == BudgetKind.TAG) {
                int eq = b.subject().indexOf('=');
                s.setString(p++, b.subject().substring(0, eq));
                s.setString(p++, b.subject().substring(eq + 1));
            } else {
                s.setString(p++, b.subject());
            }
            s.setLong(p++, from);
            s.setLong(p, to);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** spent >= budget * threshold / 100, exactly (no overflow, no rounding). */
    static boolean reached(long spentMicros, long budgetMicros, int thresholdPercent) {
        return BigInteger.valueOf(spentMicros).multiply(BigInteger.valueOf(100))
                .compareTo(BigInteger.valueOf(budgetMicros).multiply(BigInteger.valueOf(thresholdPercent))) >= 0;
    }

    /** {@code alrt_} + 24 hex of SHA-256 over budget id, period start (ms) and threshold. */
    public static String deliveryId(String budgetId, long periodStartMillis, int threshold) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(
                    (budgetId + "\0" + periodStartMillis + "\0" + threshold).getBytes(StandardCharsets.UTF_8));
            return "alrt_" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The UTC day or month {@code at} falls in. */
    public static Instant periodStart(BudgetPeriod period, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        LocalDate first = period == BudgetPeriod.DAY ? day : day.withDayOfMonth(1);
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The start of the period after the one starting at {@code start}. */
    public static Instant nextPeriodStart(BudgetPeriod period, Instant start) {
        LocalDate first = LocalDate.ofInstant(start, ZoneOffset.UTC);
        return (period == BudgetPeriod.DAY ? first.plusDays(1) : first.plusMonths(1))
                .atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private record Target(AlertBudget budget, Instant periodStart) {
    }
}
