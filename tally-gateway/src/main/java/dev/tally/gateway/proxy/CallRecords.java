package dev.tally.gateway.proxy;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.CostCalculator;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.audit.id.IdSource;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.audit.OutageGate;
import dev.tally.gateway.audit.RefusalSummaries;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.limits.Limiter;
import dev.tally.audit.store.StoredPayload;
import dev.tally.gateway.payload.PayloadKeeper;
import dev.tally.gateway.payload.Redactor;
import dev.tally.gateway.trace.CallTracer;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Optional;

/**
 * Starts {@link CallScope}s and writes what they produce: applies the privacy switches (client
 * IP, key prefix) and the payload policy (global or the key's own), prices usage with the configured price table, sends records to the audit
 * sink, tells the {@link CallTracer} and settles limits. Thread-safe (holds only thread-safe collaborators).
 */
public final class CallRecords {

    private static final System.Logger LOG = System.getLogger(CallRecords.class.getName());

    private final GatewayConfig.Audit audit;
    private final CostCalculator costs;
    private final AuditSink sink;
    private final Limiter limiter;
    private final PayloadKeeper payloads;
    private final CallTracer tracer;
    private final OutageGate gate;

    public CallRecords(GatewayConfig.Audit audit, CostCalculator costs, AuditSink sink, Limiter limiter, Clock clock) {
        this(audit, costs, sink, limiter, clock, CallTracer.NONE);
    }

    /** With {@code tracer} told about every finished call (span export). */
    public CallRecords(GatewayConfig.Audit audit, CostCalculator costs, AuditSink sink, Limiter limiter, Clock clock,
            CallTracer tracer) {
        this.tracer = tracer;
        this.audit = audit;
        this.costs = costs;
        this.sink = sink;
        this.limiter = limiter;
        this.payloads = new PayloadKeeper(audit.payload(), new Redactor(audit.redactionPatterns()),
                audit.payloadMaxBytes(), clock);
        this.gate = new OutageGate(audit.whenUnrecordable(), sink,
                new RefusalSummaries(sink, sink::recordable, ErrorCode.AUDIT_UNAVAILABLE.code(), IdSource.fast(clock), clock));
    }

    /**
     * {@code audit.when_unrecordable} at the door of each call, with the summaries of refused calls
     * (whose background writer the owner starts and closes).
     */
    public OutageGate gate() {
        return gate;
    }

    /** A scope for a call by {@code key} (authenticated) described by {@code meta}. */
    public CallScope start(RequestMeta meta, VirtualKey key) {
        CallRecord.Builder builder = meta.recordBuilder(audit.logClientIp())
                .keyId(key.id())
                .keyName(key.name())
                .keyPrefix(audit.logKeyPrefix() ? key.prefix() : null)
                .payload(PayloadMode.NONE);
        return new CallScope(this, meta, key, builder, payloads.modeFor(key));
    }

    public GatewayConfig.Audit audit() {
        return audit;
    }

    public AuditSink sink() {
        return sink;
    }

    Optional<Cost> cost(String model, TokenUsage usage) {
        return model == null ? Optional.empty() : costs.cost(model, usage);
    }

    void write(AuditEntry entry, StoredPayload payload) throws InterruptedException {
        sink.record(entry, payload);
    }

    void traced(RequestMeta meta, CallRecord record) {
        try {
            tracer.finished(meta.trace(), record);
        } catch (RuntimeException e) {
            // Tracing is best effort by contract; a fault there must not fail a recorded call.
            LOG.log(Level.WARNING, "tracing call " + record.id() + " failed: " + e);
        }
    }

    PayloadKeeper payloads() {
        return payloads;
    }

    void settle(VirtualKey key, long totalTokens, Long costMicros) {
        try {
            limiter.settle(key, totalTokens, costMicros);
        } catch (RuntimeException e) {
            // The record is already written; a limiter fault must not fail the call after the fact.
            LOG.log(Level.WARNING, "limiter settle failed for key " + key.id() + ": " + e);
        }
    }
}
