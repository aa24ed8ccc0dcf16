package dev.tally.gateway.proxy;

import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.store.StoredPayload;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.payload.PayloadKeeper;

/**
 * The one place a {@link CallRecord} is built: from the call's envelope and key and the immutable
 * facts its {@link CallOutcome} carries. Applies the privacy switches ({@code log_client_ip},
 * {@code log_key_prefix}) and the payload policy (the key's own, else {@code audit.payload}).
 * Thread-safe (immutable, with a thread-safe {@link PayloadKeeper}).
 */
public final class CallAssembler {

    private final GatewayConfig.Audit audit;
    private final PayloadKeeper payloads;

    public CallAssembler(GatewayConfig.Audit audit, PayloadKeeper payloads) {
        this.audit = audit;
        this.payloads = payloads;
    }

    /** A call's closing record and its kept payload (null when none is kept). */
    record Assembled(CallRecord record, StoredPayload payload) {
    }

    /** Whether {@code call} keeps any payload (so a stream relay knows to assemble its answer's text). */
    boolean keepsPayload(Call call) {
        return payloads.modeFor(call.key()) != PayloadMode.NONE;
    }

    /** The opening marker: what is known before the call goes upstream, as recovery would show it. */
    CallOpening opening(Call call, RequestFacts request, RouteFacts route) {
        return new CallOpening(base(call, request, route).status(CallStatus.INTERRUPTED).payload(PayloadMode.NONE).build());
    }

    /** The closing record of a call that ended with {@code outcome}, with the duration up to {@code endNanos}. */
    Assembled record(Call call, CallOutcome.Recorded outcome, long endNanos) {
        CallEnd end = outcome.end();
        CallRecord.Builder b = base(call, outcome.request(), outcome.route())
                .status(CallEnd.status(end))
                .httpStatus(end.httpStatus())
                .durationMs(Math.max(0, (endNanos - call.meta().startNanos()) / 1_000_000));
        switch (end) {
            case CallEnd.Completed ignored -> b.errorCode(null).errorMessage(null);
            case CallEnd.Failed f -> b.errorCode(f.code()).errorMessage(f.message());
            case CallEnd.Refused r -> b.errorCode(r.code()).errorMessage(r.message());
            case CallEnd.Cancelled c -> b.errorCode(ErrorCode.CLIENT_CANCELLED.code()).errorMessage(c.message());
        }
        RelayOutcome relay = outcome.relay();
        UsageSource usageSource = UsageSource.UNKNOWN;
        byte[] responseBody = null;
        if (relay != null) {
            if (relay.upstreamMs() != null) {
                b.upstreamMs(relay.upstreamMs());
            }
            b.ttftMs(relay.ttftMs()).responseBytes(relay.responseBytes()).finishReason(relay.finishReason()).toolCalls(relay.toolCalls());
            if (relay.servedModel() != null) {
                b.servedModel(relay.servedModel());
            }
            if (relay.usage() != null) {
                relay.usage().applyTo(b);
                usageSource = relay.usageSource();
            }
            responseBody = relay.responseBody();
        }
        b.usageSource(usageSource);
        if (outcome.cost() != null) {
            outcome.cost().applyTo(b);
        }
        PayloadMode mode = payloads.modeFor(call.key());
        // A payload needs at least the request: a call cut off before its body arrived keeps none.
        boolean keep = mode != PayloadMode.NONE && outcome.request().body() != null;
        b.payload(keep ? mode : PayloadMode.NONE);
        CallRecord record = b.build();
        StoredPayload payload = keep ? payloads.keep(record.id(), mode, outcome.request().body(), responseBody) : null;
        return new Assembled(record, payload);
    }

    /** The envelope, key, request and route facts shared by the opening marker and the record. */
    private CallRecord.Builder base(Call call, RequestFacts request, RouteFacts route) {
        RequestMeta meta = call.meta();
        CallRoute callRoute = meta.route();
        CallRecord.Builder b = CallRecord.builder()
                .id(meta.id())
                .startedAt(meta.startedAt())
                .traceId(meta.trace().traceId())
                .clientRequestId(meta.clientRequestId())
                .user(meta.headerUser() != null ? meta.headerUser() : request.user())
                .tags(meta.tags())
                .clientIp(audit.logClientIp() ? meta.clientIp() : null)
                .userAgent(meta.userAgent())
                .operation(callRoute.operation())
                .endpoint(callRoute.path())
                .protocol(callRoute.protocol())
                .keyId(call.key().id())
                .keyName(call.key().name())
                .keyPrefix(audit.logKeyPrefix() ? call.key().prefix() : null)
                .requestBytes(request.requestBytes())
                .stream(request.stream())
                .model(request.model())
                .serviceTier(request.serviceTier());
        if (route != null) {
            b.provider(route.provider()).attempts(route.attempts()).servedModel(route.servedModel())
                    .upstreamMs(route.upstreamMs()).pricedModel(route.pricedModel());
        }
        return b;
    }
}
