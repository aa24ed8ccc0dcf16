package dev.tally.gateway.reprice;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.adjust.AdjustmentFilter;
import dev.tally.audit.adjust.CostAdjustment;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import dev.tally.audit.store.AuditQueries;
import java.util.List;

/**
 * A call record's cost adjustments as the record's detail shows them, the same from
 * {@code GET /v1/admin/logs/{id}} and {@code tally logs --id --data}: {@code cost_adjustments}
 * (oldest first: {@code id}, {@code adjusted_at}, {@code old_micros}|null, {@code old_price_id}|null,
 * {@code new_micros}, {@code new_price_id}, {@code delta_micros}, {@code reason}|null) and
 * {@code adjusted_cost_micros} (the call's {@code cost_micros} plus their deltas; null for an
 * unpriced call never adjusted). Stateless.
 */
public final class RecordAdjustments {

    private RecordAdjustments() {
    }

    /** Adds {@code call}'s adjustments, read from {@code store}, to {@code body}. */
    public static void addTo(ObjectNode body, CallRecord call, AuditQueries store) {
        // The rows of the call's own millisecond and model: an indexed range, then its id.
        List<CostAdjustment> rows = store.adjustments(AdjustmentFilter.ofModel(call.model(), call.startedAt(),
                call.startedAt().plusMillis(1))).stream().filter(a -> a.recordId().equals(call.id())).toList();
        ArrayNode list = body.putArray("cost_adjustments");
        long delta = 0;
        for (CostAdjustment a : rows) {
            delta = Math.addExact(delta, a.deltaMicros());
            list.addObject()
                    .put("id", a.id())
                    .put("adjusted_at", Json.INSTANT_FORMAT.format(a.adjustedAt()))
                    .put("old_micros", a.oldMicros())
                    .put("old_price_id", a.oldPriceId())
                    .put("new_micros", a.newMicros())
                    .put("new_price_id", a.newPriceId())
                    .put("delta_micros", a.deltaMicros())
                    .put("reason", a.reason());
        }
        if (call.costMicros() == null && rows.isEmpty()) {
            body.putNull("adjusted_cost_micros");
        } else {
            body.put("adjusted_cost_micros", Math.addExact(call.costMicros() == null ? 0 : call.costMicros(), delta));
        }
    }
}
