package dev.tally.gateway.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Makes the SDK give a call's span the ids the gateway already chose: the trace id written on the
 * record and the span id sent upstream as parent. The SDK asks its {@link IdGenerator} for ids
 * inside {@link SpanBuilder#startSpan()}, on the calling thread, so {@link #start} pins the
 * call's ids to the thread for exactly that call; anything else gets random ids.
 * Thread-safe (per-thread state only).
 */
final class PinnedIds implements IdGenerator {

    private final ThreadLocal<TraceContext> pinned = new ThreadLocal<>();

    /** Starts {@code builder}'s span with the trace and span id of {@code trace}. */
    Span start(SpanBuilder builder, TraceContext trace) {
        pinned.set(trace);
        try {
            return builder.startSpan();
        } finally {
            pinned.remove();
        }
    }

    @Override
    public String generateSpanId() {
        TraceContext trace = pinned.get();
        return trace == null ? IdGenerator.random().generateSpanId() : trace.spanId();
    }

    @Override
    public String generateTraceId() {
        TraceContext trace = pinned.get();
        return trace == null ? IdGenerator.random().generateTraceId() : trace.traceId();
    }
}
