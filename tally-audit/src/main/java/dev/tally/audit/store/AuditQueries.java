package dev.tally.audit.store;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import java.util.Optional;

/**
 * The store as the admin API, the CLI and the limits read it: filtered pages of records and
 * events, kept payloads, usage reports. One role of {@link AuditStore}; thread-safe, callable
 * from any thread while a writer commits.
 */
public interface AuditQueries {

    /** The kept payload of the call record {@code callId}, if one was kept. */
    Optional<StoredPayload> payload(String callId);

    /** Call records, newest first, filtered and paged. */
    Page<ChainedEntry> calls(CallQuery query);

    /** Security and admin events, newest first, filtered and paged. */
    Page<ChainedEntry> events(EventQuery query);

    /** Usage aggregated from the rollups (raw rows only for partial hours at the edges). */
    UsageReport usage(UsageQuery query);

    /**
     * The cost adjustments {@code filter} selects, by the adjusted call's time, then id; the whole
     * list is held in memory (adjustments are few next to calls: one per re-priced call whose cost
     * changed).
     */
    java.util.List<dev.tally.audit.adjust.CostAdjustment> adjustments(dev.tally.audit.adjust.AdjustmentFilter filter);
}
