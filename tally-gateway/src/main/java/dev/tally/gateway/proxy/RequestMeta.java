package dev.tally.gateway.proxy;

import dev.tally.gateway.trace.TraceContext;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the gateway knows about a call from its HTTP envelope, before reading the body. The
 * client IP is kept even when IP logging is off (brute-force slowdown needs it); the record
 * factory drops it then.
 *
 * @param id our record id, sent back as {@code x-request-id}
 * @param startedAt wall-clock start
 * @param startNanos monotonic start, for durations
 * @param route the route: operation, path and protocol recorded
 * @param trace the W3C trace context: the client's trace continued, or a new one
 * @param clientRequestId the client's own {@code x-request-id}, or null
 * @param headerUser {@code x-tally-user}, or null
 * @param tags {@code x-tally-tag-<name>} values by name
 * @param clientIp the peer address
 * @param userAgent the client's User-Agent, or null
 */
public record RequestMeta(
        String id,
        Instant startedAt,
        long startNanos,
        CallRoute route,
        TraceContext trace,
        String clientRequestId,
        String headerUser,
        Map<String, String> tags,
        String clientIp,
        String userAgent) {

    public RequestMeta {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(startedAt, "started_at");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(trace, "trace");
        tags = Map.copyOf(tags);
    }

    /** The W3C trace id of this call (always present: a call without a valid traceparent starts a trace). */
    public String traceId() {
        return trace.traceId();
    }
}
