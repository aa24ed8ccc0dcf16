package dev.tally.gateway.proxy;

import dev.tally.audit.id.IdSource;
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
 * @param records writes call records
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
        CallRecords records,
        SecurityEvents events,
        TokenEstimator estimator,
        IdSource ids,
        Clock clock) {

    public ProxyServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(clock, "clock");
    }
}
