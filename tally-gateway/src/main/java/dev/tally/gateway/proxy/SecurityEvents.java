package dev.tally.gateway.proxy;

import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.id.IdSource;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.config.GatewayConfig;
import java.time.Clock;

/**
 * Writes the security events the proxy sees: auth failures (no call record: the call never got
 * past authentication) and refusals (beside a {@code refused} call record, linked by request id).
 * Applies the client-IP and key-prefix switches. Never receives a secret. Thread-safe.
 */
public final class SecurityEvents {

    private final GatewayConfig.Audit audit;
    private final AuditSink sink;
    private final IdSource ids;
    private final Clock clock;

    public SecurityEvents(GatewayConfig.Audit audit, AuditSink sink, IdSource ids, Clock clock) {
        this.audit = audit;
        this.sink = sink;
        this.ids = ids;
        this.clock = clock;
    }

    /** An authentication failure answered with 401. */
    public void authDenied(RequestMeta meta, AuthOutcome.Denied denied) throws InterruptedException {
        sink.record(new SecurityEvent(ids.next(), clock.instant(), denied.type(), meta.id(), denied.keyId(),
                audit.logKeyPrefix() ? denied.keyPrefix() : null, audit.logClientIp() ? meta.clientIp() : null,
                meta.userAgent(), null, 401, denied.message()));
    }

    /** A refusal of an authenticated call, next to its refused call record. */
    void refused(Call call, Refusal refusal) throws InterruptedException {
        RequestMeta meta = call.meta();
        sink.record(new SecurityEvent(ids.next(), clock.instant(), refusal.type(), meta.id(), call.key().id(),
                audit.logKeyPrefix() ? call.key().prefix() : null, audit.logClientIp() ? meta.clientIp() : null,
                meta.userAgent(), refusal.model(), refusal.httpStatus(), refusal.detail()));
    }
}
