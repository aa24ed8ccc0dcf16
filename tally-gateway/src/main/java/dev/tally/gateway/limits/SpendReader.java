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
     * count as nothing). Blocking: reads the store.
     *
     * @throws dev.tally.audit.store.StoreException when the store cannot be read
     */
    long spentMicros(String keyId, Instant since);

    /** Reads the store's usage rollups, filtered by key, from {@code since} to now. */
    static SpendReader fromStore(AuditQueries store) {
        return (keyId, since) -> store.usage(
                new UsageQuery(since, null, List.of(), keyId, null, null, null, null, Map.of(), null, null))
                .summary().costMicros();
    }
}
