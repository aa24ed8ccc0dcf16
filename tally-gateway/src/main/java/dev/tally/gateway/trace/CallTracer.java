package dev.tally.gateway.trace;

import dev.tally.audit.entry.CallRecord;

/**
 * Told about every finished call, with its trace context, right after its record was handed to
 * the audit sink: the hook for span export ({@link OtlpCallTracer}). Implementations are
 * thread-safe, return at once (anything slow happens on their own threads) and never throw:
 * tracing must not slow or fail a call.
 */
@FunctionalInterface
public interface CallTracer {

    /** Traces nothing (telemetry off). */
    CallTracer NONE = (trace, record) -> { };

    /** The call with context {@code trace} ended with {@code record}. */
    void finished(TraceContext trace, CallRecord record);
}
