package dev.tally.audit.store;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.json.Json;
import java.util.Objects;

/**
 * The columns a store keeps beside an entry's body to find it quickly. They are copies of
 * body fields; the verifier checks that they still agree with the body.
 *
 * @param id entry id
 * @param kind {@code call}, {@code security} or {@code admin}
 * @param ts the entry's timestamp in epoch milliseconds
 * @param keyId call or event key id, or null
 * @param model requested model, or null
 * @param provider provider (calls), or null
 * @param status call status wire name, or null
 * @param user call user, or null
 * @param eventType event type wire name, or null for calls
 */
public record IndexColumns(
        String id, String kind, long ts, String keyId, String model, String provider, String status, String user,
        String eventType) {

    /**
     * Field by field, as a record's generated {@code equals} would. Written out because the
     * generated one links an {@code invokedynamic} call site on first use, outside the start-up
     * cache: about 13 ms of a {@code tally verify} on a small store (async-profiler CPU samples),
     * which compares every entry's columns.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof IndexColumns o && ts == o.ts && Objects.equals(id, o.id) && Objects.equals(kind, o.kind)
                && Objects.equals(keyId, o.keyId) && Objects.equals(model, o.model)
                && Objects.equals(provider, o.provider) && Objects.equals(status, o.status)
                && Objects.equals(user, o.user) && Objects.equals(eventType, o.eventType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, kind, ts, keyId, model, provider, status, user, eventType);
    }

    /** The columns an entry should have. */
    public static IndexColumns of(AuditEntry entry) {
        return switch (entry) {
            case CallRecord c -> new IndexColumns(c.id(), "call", ts(c), c.keyId(), c.model(),
                    c.provider(), Json.wire(c.status()), c.user(), null);
            case SecurityEvent s -> new IndexColumns(s.id(), "security", ts(s), s.keyId(),
                    s.model(), null, null, null, Json.wire(s.type()));
            case AdminEvent a -> new IndexColumns(a.id(), "admin", ts(a), null, null, null, null,
                    null, Json.wire(a.type()));
        };
    }

    /**
     * The {@code ts} column alone: a writer needs it for every entry of a batch (its day
     * partition, the latest call's time), and the other columns would be built for nothing.
     */
    public static long ts(AuditEntry entry) {
        return switch (entry) {
            case CallRecord c -> c.startedAt().toEpochMilli();
            case SecurityEvent s -> s.timestamp().toEpochMilli();
            case AdminEvent a -> a.timestamp().toEpochMilli();
        };
    }
}
