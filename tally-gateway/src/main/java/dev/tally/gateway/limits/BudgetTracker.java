package dev.tally.gateway.limits;

import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.store.StoreException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One key's spend in its current budget period (UTC day or month).
 *
 * <p>Spend = the figure read from the store's usage rollups for the period (every recorded
 * call of the key, from every instance) + the cost this instance has settled since that read.
 * The store figure is re-read when it is older than the ttl (default 5 s) or a new period has
 * begun; the settled sum then restarts from zero. Bounds: a change to the spend made by other
 * instances shows within the ttl; around a re-read, the cost of calls this instance settled but
 * whose records were not yet committed (at most one recorder flush interval's worth) is missed
 * until the next re-read, and records committed between the read and their settle are counted
 * twice for at most one ttl. A call is admitted while spend is below the budget, so the call
 * that crosses it finishes; the next is refused.
 *
 * <p>When the store cannot be read, the last figure plus what was settled since is used (a new
 * period starts from what this instance settles), the failure is logged and counted: a store
 * outage neither stops traffic nor silently forgets the budget.
 *
 * <p>Not thread-safe: the owning {@link KeyLimiter} holds the key's lock around every call.
 */
final class BudgetTracker {

    private static final System.Logger LOG = System.getLogger(BudgetTracker.class.getName());

    private final SpendReader reader;
    private final long ttlMillis;
    private Instant periodStart; // null before the first check
    private long storeSpent;
    private long localSpent;
    private long readAtMillis;
    private final AtomicLong readFailures = new AtomicLong();

    BudgetTracker(SpendReader reader, Duration ttl) {
        this.reader = reader;
        this.ttlMillis = ttl.toMillis();
    }

    /** Null when spend is below the key's budget, else the refusal. May read the store. */
    Admission.Refused check(VirtualKey key, Instant now) {
        Instant start = periodStart(key.budgetPeriod(), now);
        refreshIfStale(key, start, now);
        long spent = storeSpent + localSpent;
        long budget = key.budgetMicros();
        if (spent < budget) {
            return null;
        }
        Duration retry = KeyLimiter.roundUpToSeconds(Duration.between(now, nextPeriodStart(key.budgetPeriod(), now)));
        String limit = key.budgetPeriod() == BudgetPeriod.DAY ? "budget_per_day" : "budget_per_month";
        return new Admission.Refused(SecurityEventType.BUDGET_EXCEEDED, ErrorCode.BUDGET_EXCEEDED,
                limit + ": limit " + usd(budget) + " reached (spent " + usd(spent) + " since " + start
                        + "; retry after " + retry.toSeconds() + "s)", retry);
    }

    /** The key's standing in its current period. May read the store. */
    BudgetStatus status(VirtualKey key, Instant now) {
        Instant start = periodStart(key.budgetPeriod(), now);
        refreshIfStale(key, start, now);
        long spent = storeSpent + localSpent;
        return new BudgetStatus(key.budgetMicros(), key.budgetPeriod(), spent,
                Math.max(0, key.budgetMicros() - spent), start, nextPeriodStart(key.budgetPeriod(), now));
    }

    /** Adds the cost of a call this instance finished. */
    void settled(VirtualKey key, long costMicros, Instant now) {
        if (!periodStart(key.budgetPeriod(), now).equals(periodStart)) {
            return; // a new period (or none read yet): the next check reads the store afresh
        }
        localSpent = saturatingAdd(localSpent, costMicros);
    }

    long readFailures() {
        return readFailures.get();
    }

    private void refreshIfStale(VirtualKey key, Instant start, Instant now) {
        boolean newPeriod = !start.equals(periodStart);
        if (!newPeriod && now.toEpochMilli() - readAtMillis < ttlMillis) {
            return;
        }
        try {
            storeSpent = reader.spentMicros(key.id(), start);
            localSpent = 0;
        } catch (StoreException e) {
            readFailures.incrementAndGet();
            if (newPeriod) {
                storeSpent = 0;
                localSpent = 0;
            }
            LOG.log(System.Logger.Level.WARNING, "budget: spend of key " + key.id() + " since " + start
                    + " could not be read (" + e.getMessage()
                    + "); using the last known figure plus spend settled here");
        }
        periodStart = start;
        readAtMillis = now.toEpochMilli();
    }

    static Instant periodStart(BudgetPeriod period, Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = switch (period) {
            case DAY -> day;
            case MONTH -> day.withDayOfMonth(1);
        };
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static Instant nextPeriodStart(BudgetPeriod period, Instant now) {
        LocalDate start = LocalDate.ofInstant(periodStart(period, now), ZoneOffset.UTC);
        LocalDate next = switch (period) {
            case DAY -> start.plusDays(1);
            case MONTH -> start.plusMonths(1);
        };
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Micro-USD as dollars with at least two decimals and no rounding: 10000450 → $10.00045. */
    static String usd(long micros) {
        BigDecimal value = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return "$" + value.setScale(Math.max(2, value.scale())).toPlainString();
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
