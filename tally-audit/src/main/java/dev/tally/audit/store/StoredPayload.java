package dev.tally.audit.store;

import dev.tally.audit.entry.PayloadMode;
import java.time.Instant;
import java.util.Objects;

/**
 * The kept payload of one call, stored in its own table next to (never inside) the hashed call
 * record, so it can have its own, shorter retention without breaking the chain. Immutable.
 *
 * @param callId id of the call record it belongs to
 * @param mode what was kept: {@link PayloadMode#HASH} (digests only), {@link PayloadMode#REDACTED}
 *     or {@link PayloadMode#FULL}; never {@link PayloadMode#NONE}
 * @param request the request body as kept, or null in hash mode
 * @param response the response body as kept (for a stream: the assembled text and tool calls), or
 *     null in hash mode
 * @param requestSha256 hex SHA-256 of the request body as received
 * @param responseSha256 hex SHA-256 of the response body as sent (for a stream: of the assembled text)
 * @param truncated whether a kept body was cut at the size cap
 * @param createdAt when the payload was made
 */
public record StoredPayload(
        String callId,
        PayloadMode mode,
        String request,
        String response,
        String requestSha256,
        String responseSha256,
        boolean truncated,
        Instant createdAt) {

    public StoredPayload {
        Objects.requireNonNull(callId, "call_id");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(requestSha256, "request_sha256");
        Objects.requireNonNull(responseSha256, "response_sha256");
        Objects.requireNonNull(createdAt, "created_at");
        if (mode == PayloadMode.NONE) {
            throw new IllegalArgumentException("mode: none (expected: hash, redacted or full for a kept payload)");
        }
        if (mode == PayloadMode.HASH && (request != null || response != null)) {
            throw new IllegalArgumentException("request/response: text (expected: none in hash mode)");
        }
    }
}
