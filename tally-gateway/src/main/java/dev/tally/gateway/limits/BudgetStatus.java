package dev.tally.gateway.limits;

import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.time.Instant;

/**
 * Where a key stands against its spend budget now, as the limiter sees it (same staleness
 * bound as its decisions; see {@link BudgetTracker}). For the key holder's {@code /v1/usage}.
 *
 * @param budgetMicros the budget per period, micro-USD
 * @param period day or month, UTC
 * @param spentMicros spend in the current period
 * @param remainingMicros what is left, never below zero
 * @param periodStart when the current period began
 * @param resetsAt when the next period begins
 */
public record BudgetStatus(long budgetMicros, BudgetPeriod period, long spentMicros, long remainingMicros,
        Instant periodStart, Instant resetsAt) {
}
