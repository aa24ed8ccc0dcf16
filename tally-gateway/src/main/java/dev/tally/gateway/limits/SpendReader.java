package dev.tally.gateway.limits;

import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.store.AuditQueries;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Reads how much a key has spent since a time. Implementations are thread-safe. */
@FunctionalInterface
public interface SpendReader {

    /**
     * Micro-USD of the key's recorded calls started at or after {@code since} (unpriced calls
     * count as nothing), cost adjustments included. Blocking: reads the store.
     *
     * @throws dev.tally.audit.store.StoreException when the store cannot be read
     */
    long spentMicros(String keyId, Instant since);

    /**
     * Reads the store's usage rollups, filtered by key, from {@code since} to now, plus the cost
     * adjustments of those calls: a budget counts the adjusted spend (re-pricing a period's calls
     * upwards brings the key closer to its budget, at the next read of the spend).
     */
    static SpendReader fromStore(AuditQueries store) {
        return (keyId, since) -> {
            UsageQuery query = new UsageQuery(since, null, List.of(), keyId, null, null, null, null, Map.of(), null, null);
            return Math.addExact(store.usage(query).summary().costMicros(),
                    dev.tally.audit.adjust.UsageAdjustments.of(store, query).totalMicros());
        };
    }
}
