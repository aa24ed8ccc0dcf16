package dev.tally.audit.alert;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which budgets alert, as the store's writer applies them inside each commit
 * ({@link BudgetCrossings}). Every key with a budget alerts at {@code keyThresholds} unless a
 * {@link AlertBudget} of kind key names it (by id or name) with thresholds of its own; users and
 * tags alert only when a budget names them. Immutable, thread-safe.
 *
 * @param keyThresholds percentages for keys with a budget and no entry of their own; empty: none
 * @param budgets the configured budgets
 */
public record AlertRules(List<Integer> keyThresholds, List<AlertBudget> budgets) {

    /** No budget alerts. */
    public static final AlertRules NONE = new AlertRules(List.of(), List.of());

    public AlertRules {
        keyThresholds = List.copyOf(keyThresholds);
        budgets = List.copyOf(budgets);
    }

    /** Whether nothing can alert: the writer then does no work at all. */
    public boolean isEmpty() {
        return keyThresholds.isEmpty() && budgets.isEmpty();
    }

    /** The user budgets by user, the tag budgets by {@code name=value}, the key entries by id or name. */
    Map<String, AlertBudget> index(BudgetKind kind) {
        Map<String, AlertBudget> out = new HashMap<>();
        for (AlertBudget b : budgets) {
            if (b.kind() == kind) {
                out.put(b.subject(), b);
            }
        }
        return out;
    }

    /** The thresholds of the key with {@code id} and {@code name}; empty when it does not alert. */
    List<Integer> keyThresholds(Map<String, AlertBudget> keyEntries, String id, String name) {
        return Optional.ofNullable(keyEntries.get(id)).or(() -> Optional.ofNullable(keyEntries.get(name)))
                .map(AlertBudget::thresholds).orElse(keyThresholds);
    }
}
