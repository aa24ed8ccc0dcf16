package dev.tally.gateway.reprice;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.adjust.CostAdjustment;
import dev.tally.audit.adjust.RepriceSummary;
import dev.tally.audit.json.Json;

/**
 * A re-pricing run's summary as JSON, the same from {@code POST /v1/admin/reprice} and
 * {@code tally reprice --data}: {@code {"model","since","until","dry_run","reason","price_id",
 * "records_seen","adjusted","from_unpriced","unchanged","unpriced","kept_priced","delta_micros",
 * "delta_usd","transactions","sample":[{"id","record_id","started_at","old_micros"|null,
 * "old_price_id"|null,"new_micros","new_price_id","delta_micros"}]}}. {@code old_micros} null means
 * the call was unpriced before. {@code delta_usd} is exact, from micros. Stateless.
 */
public final class RepriceJson {

    private RepriceJson() {
    }

    /** The summary as a JSON object. */
    public static ObjectNode summary(RepriceSummary s) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", s.request().model());
        root.put("since", Json.INSTANT_FORMAT.format(s.request().since()));
        root.put("until", Json.INSTANT_FORMAT.format(s.request().until()));
        root.put("dry_run", s.request().dryRun());
        root.put("reason", s.request().reason());
        root.put("price_id", s.priceId());
        root.put("records_seen", s.seen());
        root.put("adjusted", s.adjusted());
        root.put("from_unpriced", s.fromUnpriced());
        root.put("unchanged", s.unchanged());
        root.put("unpriced", s.unpriced());
        root.put("kept_priced", s.keptPriced());
        root.put("delta_micros", s.deltaMicros());
        root.put("delta_usd", CostAdjustment.usd(s.deltaMicros()));
        root.put("transactions", s.transactions());
        ArrayNode sample = root.putArray("sample");
        for (CostAdjustment a : s.sample()) {
            sample.addObject()
                    .put("id", a.id())
                    .put("record_id", a.recordId())
                    .put("started_at", Json.INSTANT_FORMAT.format(a.recordStartedAt()))
                    .put("old_micros", a.oldMicros())
                    .put("old_price_id", a.oldPriceId())
                    .put("new_micros", a.newMicros())
                    .put("new_price_id", a.newPriceId())
                    .put("delta_micros", a.deltaMicros());
        }
        return root;
    }
}
