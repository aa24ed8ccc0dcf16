package dev.tally.gateway.audit;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.store.StoredPayload;

/**
 * Where the gateway sends opening markers, call records and security events: the audit core's
 * {@link dev.tally.audit.recorder.Recorder} in production ({@link RecorderAuditSink}). The
 * durability mode decides whether the proxy waits. Implementations are thread-safe.
 */
public interface AuditSink {

    /** async or sync, as configured. */
    Durability durability();

    /**
     * Writes the opening marker of a call. In async mode it returns at once and is always true;
     * in sync mode it returns once the marker is durable and says whether it reached the store
     * (false when it was only spilled or the store is unhealthy: the call must then fail closed).
     */
    boolean open(CallOpening opening) throws InterruptedException;

    /**
     * Writes an entry. In async mode it returns at once; in sync mode it returns once the entry
     * is durable (stored or spilled: either way it will not be lost).
     */
    void record(AuditEntry entry) throws InterruptedException;

    /**
     * Writes a call's closing record with its kept payload (or none when {@code payload} is null),
     * in one store transaction; returns like {@link #record(AuditEntry)}. A record that has to be
     * spilled keeps the record and drops the payload.
     */
    void record(AuditEntry entry, StoredPayload payload) throws InterruptedException;

    /** Whether the store accepted its last write. */
    boolean storeHealthy();

    /**
     * Whether anything durable can take a write now: the store, or the spill journal while the
     * store is failing. False means a record handed over now cannot be made durable (see
     * {@link OutageGate}).
     */
    boolean recordable();

    /** Counts one call refused because nothing durable could take its record (a metric). */
    void countRefused();
}
