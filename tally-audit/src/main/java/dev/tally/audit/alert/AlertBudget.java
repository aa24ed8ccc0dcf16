package dev.tally.audit.alert;

import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.util.List;
import java.util.Objects;

/**
 * One budget that alerts: whose spend it counts, how much per period, and at which percentages
 * of it an alert is sent. Immutable.
 *
 * @param kind what it counts
 * @param subject the key's id or name, the user, or the tag as {@code name=value}
 * @param budgetMicros the budget per period in micro-USD; null for a key, whose budget is the
 *     one set on the key ({@code budget_micros} in the keys table)
 * @param period day or month (UTC); null for a key (the key's own period)
 * @param thresholds percentages of the budget, ascending, each 1..1000
 */
public record AlertBudget(BudgetKind kind, String subject, Long budgetMicros, BudgetPeriod period,
        List<Integer> thresholds) {

    public AlertBudget {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        thresholds = List.copyOf(thresholds);
        if ((budgetMicros == null) != (period == null)) {
            throw new IllegalArgumentException("budget of " + kind + " '" + subject
                    + "': amount and period go together (expected: both, or neither for a key)");
        }
        if (budgetMicros == null && kind != BudgetKind.KEY) {
            throw new IllegalArgumentException("budget of " + kind + " '" + subject + "': no amount (expected: an amount)");
        }
    }

    /**
     * The budget's stable id, the outbox's unique part with period and threshold:
     * {@code key:<key id>}, {@code user:<user>}, {@code tag:<name>=<value>}.
     */
    public static String id(BudgetKind kind, String subject) {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + subject;
    }
}
