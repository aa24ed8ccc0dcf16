package dev.tally.gateway.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.alert.BudgetAlert;
import dev.tally.audit.alert.BudgetCrossings;
import dev.tally.audit.json.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of a budget-alert webhook, made from the outbox row alone, so every attempt of
 * one delivery sends the same bytes (the signature covers them with the attempt's timestamp).
 * Money is given both as exact integer micro-USD and as a decimal string. The shape is
 * documented in docs/spend.md, "Budget alerts". Stateless, thread-safe.
 */
public final class AlertPayload {

    /** The event's type; the only one so far. */
    public static final String TYPE = "budget.threshold_crossed";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertPayload() {
    }

    /** The body for {@code alert}, UTF-8. */
    public static byte[] of(BudgetAlert alert) {
        Map<String, Object> budget = new LinkedHashMap<>();
        budget.put("id", alert.budget());
        budget.put("kind", Json.wire(alert.kind()));
        budget.put("subject", alert.subject());
        budget.put("period", Json.wire(alert.period()));
        budget.put("period_start", Json.INSTANT_FORMAT.format(alert.periodStart()));
        budget.put("period_end", Json.INSTANT_FORMAT.format(
                BudgetCrossings.nextPeriodStart(alert.period(), alert.periodStart())));
        budget.put("amount_micros", alert.budgetMicros());
        budget.put("amount_usd", usd(alert.budgetMicros()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE);
        body.put("delivery_id", alert.id());
        body.put("threshold_percent", alert.threshold());
        body.put("budget", budget);
        body.put("spent_micros", alert.spentMicros());
        body.put("spent_usd", usd(alert.spentMicros()));
        body.put("crossed_at", Json.INSTANT_FORMAT.format(alert.crossedAt()));
        body.put("record_id", alert.recordId());
        try {
            return MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
    }

    /** Micro-USD as an exact decimal string: 80120000 → "80.12". */
    static String usd(long micros) {
        BigDecimal value = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return value.setScale(Math.max(2, value.scale())).toPlainString();
    }
}
