package dev.tally.gateway.proxy;

import dev.tally.audit.id.IdSource;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.audit.OutageGate;
import dev.tally.gateway.trace.CallTracer;
import dev.tally.gateway.auth.Authenticator;
import dev.tally.gateway.limits.Limiter;
import dev.tally.gateway.upstream.Router;
import dev.tally.gateway.upstream.UpstreamCaller;
import dev.tally.gateway.usage.TokenEstimator;
import java.time.Clock;
import java.util.Objects;

/**
 * The shared, thread-safe collaborators of every proxied call, wired once at start.
 *
 * @param authenticator checks virtual keys
 * @param limiter applies scopes, rate limits and budgets
 * @param router public model to targets
 * @param caller upstream attempts with retries and fallbacks
 * @param assembler builds call records
 * @param sink where opening markers, records and security events go
 * @param gate {@code audit.when_unrecordable} at the door of each call
 * @param costs prices usage
 * @param tracer told about every finished call (span export)
 * @param events writes security events
 * @param estimator local token counts
 * @param ids record ids
 * @param clock wall-clock time for timestamps
 */
public record ProxyServices(
        Authenticator authenticator,
        Limiter limiter,
        Router router,
        UpstreamCaller caller,
        CallAssembler assembler,
        AuditSink sink,
        OutageGate gate,
        PriceBook costs,
        CallTracer tracer,
        SecurityEvents events,
        TokenEstimator estimator,
        IdSource ids,
        Clock clock) {

    public ProxyServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(assembler, "assembler");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(costs, "costs");
        Objects.requireNonNull(tracer, "tracer");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(clock, "clock");
    }
}
