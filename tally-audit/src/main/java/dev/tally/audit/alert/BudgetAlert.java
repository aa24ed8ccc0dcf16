package dev.tally.audit.alert;

import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.time.Instant;

/**
 * One row of the outbox {@code budget_alerts}: a budget that crossed a threshold in a period,
 * written in the transaction of the commit whose rollup update crossed it (at most one row per
 * budget, period and threshold), and its delivery state. Immutable.
 *
 * @param id the delivery id: {@code alrt_} + 24 hex of SHA-256 over budget, period start and
 *     threshold, so it is the same whichever instance wrote the row
 * @param budget the budget's id ({@link AlertBudget#id})
 * @param kind what the budget counts
 * @param subject the key id, user, or {@code name=value} of the tag
 * @param period day or month (UTC)
 * @param periodStart the period's first instant
 * @param threshold the percentage crossed
 * @param budgetMicros the budget per period when it was crossed
 * @param spentMicros the spend in the period right after the commit that crossed it
 * @param crossedAt when the call whose record crossed it started
 * @param recordId that call's record id
 * @param state where the delivery stands
 * @param attempts delivery attempts made so far
 * @param nextAttemptAt when the next attempt is due (pending alerts)
 * @param lastError why the last attempt failed; null if none did
 * @param finishedAt when it was delivered or given up; null while pending
 */
public record BudgetAlert(String id, String budget, BudgetKind kind, String subject, BudgetPeriod period,
        Instant periodStart, int threshold, long budgetMicros, long spentMicros, Instant crossedAt, String recordId,
        AlertState state, int attempts, Instant nextAttemptAt, String lastError, Instant finishedAt) {
}
