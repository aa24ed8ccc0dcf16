package dev.tally.gateway.audit;

import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.WhenUnrecordable;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The policy {@code audit.when_unrecordable} at the door of every proxied call, asked once a call
 * is authenticated and its body read, before anything is recorded or sent upstream.
 *
 * <p>A call cannot be recorded when nothing durable can take a write ({@link AuditSink#recordable()}
 * false: store failing and the spill journal full, failing or at {@code audit.journal_max_bytes}),
 * and in sync mode also while the store is failing (sync forwards a call only once its opening
 * marker is in the store). Then:
 * <ul>
 *   <li>{@link WhenUnrecordable#REFUSE} (the default, and always in sync mode): the call is refused
 *       with 503 {@code audit_unavailable} and counted in {@link RefusalSummaries}, not recorded
 *       one by one;</li>
 *   <li>{@link WhenUnrecordable#ALLOW} (async only): the call is forwarded; its record is handed
 *       to the recorder, which counts it as lost if it still cannot be made durable.</li>
 * </ul>
 * Thread-safe.
 */
public final class OutageGate implements AutoCloseable {

    private final WhenUnrecordable policy;
    private final AuditSink sink;
    private final RefusalSummaries summaries;
    private final AtomicLong forwarded = new AtomicLong();

    public OutageGate(WhenUnrecordable policy, AuditSink sink, RefusalSummaries summaries) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.summaries = Objects.requireNonNull(summaries, "summaries");
    }

    /**
     * Whether a new call by {@code keyId} for {@code model} (null when unknown) must be refused
     * now because it could not be recorded; a refused call is counted for its summary and must
     * get no record of its own.
     */
    public boolean refuse(String keyId, String model) {
        boolean sync = sink.durability() == Durability.SYNC;
        if (sink.recordable() && !(sync && !sink.storeHealthy())) {
            return false;
        }
        if (policy == WhenUnrecordable.ALLOW && !sync) {
            forwarded.incrementAndGet();
            return false;
        }
        countRefused(keyId, model);
        return true;
    }

    /**
     * Counts a call refused because its opening marker could be neither stored nor spilled after
     * {@link #refuse} let it through (the log failed in between).
     */
    public void countRefused(String keyId, String model) {
        summaries.refused(keyId, model);
        sink.countRefused();
    }

    /** Whether the log can take a write now (the sink's {@code recordable()}). */
    public boolean recordableNow() {
        return sink.recordable();
    }

    /** The configured policy. */
    public WhenUnrecordable policy() {
        return policy;
    }

    /** Calls refused because they could not be recorded, since start. */
    public long refusedTotal() {
        return summaries.refusedTotal();
    }

    /** Calls forwarded under {@code allow} while nothing durable could take their record, since start. */
    public long forwardedUnrecordable() {
        return forwarded.get();
    }

    /** The summaries of refused calls. */
    public RefusalSummaries summaries() {
        return summaries;
    }

    /** Writes the summaries left (see {@link RefusalSummaries#drain()}). */
    @Override
    public void close() {
        summaries.close();
    }
}
