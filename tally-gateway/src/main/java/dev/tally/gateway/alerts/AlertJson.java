package dev.tally.gateway.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.alert.AlertState;
import dev.tally.audit.alert.BudgetAlert;
import dev.tally.audit.json.Json;

/**
 * An outbox row as {@code GET /v1/admin/alerts} and {@code tally alerts --json} show it (fields
 * in docs/admin-api.md): money in integer micro-USD, times in UTC. Stateless, thread-safe.
 */
public final class AlertJson {

    private AlertJson() {
    }

    /** {@code alert} as JSON. */
    public static ObjectNode node(BudgetAlert a) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("delivery_id", a.id());
        o.put("budget", a.budget());
        o.put("kind", Json.wire(a.kind()));
        o.put("subject", a.subject());
        o.put("period", Json.wire(a.period()));
        o.put("period_start", Json.INSTANT_FORMAT.format(a.periodStart()));
        o.put("threshold_percent", a.threshold());
        o.put("budget_micros", a.budgetMicros());
        o.put("spent_micros", a.spentMicros());
        o.put("crossed_at", Json.INSTANT_FORMAT.format(a.crossedAt()));
        o.put("record_id", a.recordId());
        o.put("state", Json.wire(a.state()));
        o.put("attempts", a.attempts());
        if (a.state() == AlertState.PENDING) {
            o.put("next_attempt_at", Json.INSTANT_FORMAT.format(a.nextAttemptAt()));
        }
        if (a.lastError() != null) {
            o.put("last_error", a.lastError());
        }
        if (a.finishedAt() != null) {
            o.put("finished_at", Json.INSTANT_FORMAT.format(a.finishedAt()));
        }
        return o;
    }
}
