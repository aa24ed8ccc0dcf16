package dev.tally.audit.entry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A security-relevant event: an authentication failure, a refusal by a limit, a scope
 * violation. Never carries a secret: {@code keyPrefix} is the public prefix of a virtual key
 * (absent when prefix logging is off) and {@code clientIp} is absent when IP logging is off.
 *
 * @param id UUIDv7
 * @param timestamp when it happened (UTC, ms)
 * @param type what happened
 * @param requestId the id of the call record it belongs to, when there is one
 * @param keyId the virtual key involved, when known
 * @param keyPrefix the public prefix of the presented key, when logging it is on
 * @param clientIp the client's address, when logging it is on
 * @param userAgent the client's User-Agent
 * @param model the model asked for, when relevant
 * @param httpStatus the status sent to the client
 * @param detail a human-readable explanation; never a secret
 */
public record SecurityEvent(
        String id,
        Instant timestamp,
        SecurityEventType type,
        String requestId,
        String keyId,
        String keyPrefix,
        String clientIp,
        String userAgent,
        String model,
        Integer httpStatus,
        String detail) implements AuditEntry {

    public SecurityEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(type, "type");
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
    }
}
