package dev.tally.gateway.payload;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.StoredPayload;
import dev.tally.gateway.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Decides what is kept of a call's bodies and makes the {@link StoredPayload}: the key's
 * {@code payload_policy} when set, else {@code audit.payload}. {@code hash} keeps the SHA-256 of
 * the request body as received and of the response (the body as sent, or for a stream the
 * assembled text and tool calls); {@code redacted} keeps both texts through the {@link Redactor};
 * {@code full} keeps them as they are. Each kept text is cut at {@code audit.payload_max_bytes}
 * UTF-8 bytes (default {@link #DEFAULT_CAP_BYTES}; on a character boundary) and the payload then
 * says {@code truncated}; the digests are always over the whole body. Thread-safe (immutable).
 */
public final class PayloadKeeper {

    /** Most UTF-8 bytes kept per body unless configured (64 KiB). */
    public static final int DEFAULT_CAP_BYTES = GatewayConfig.Audit.DEFAULT_PAYLOAD_MAX_BYTES;

    private final GatewayConfig.PayloadPolicy global;
    private final Redactor redactor;
    private final int capBytes;
    private final Clock clock;

    /** @param capBytes most UTF-8 bytes kept per body ({@code audit.payload_max_bytes}) */
    public PayloadKeeper(GatewayConfig.PayloadPolicy global, Redactor redactor, int capBytes, Clock clock) {
        if (capBytes < 1) {
            throw new IllegalArgumentException("capBytes: " + capBytes + " (expected: at least 1)");
        }
        this.global = global;
        this.redactor = redactor;
        this.capBytes = capBytes;
        this.clock = clock;
    }

    /** What is kept for calls made with {@code key}: its own policy, else the global one. */
    public PayloadMode modeFor(VirtualKey key) {
        String own = key == null ? null : key.payloadPolicy();
        GatewayConfig.PayloadPolicy policy = own == null ? global
                : GatewayConfig.PayloadPolicy.valueOf(own.toUpperCase(Locale.ROOT));
        return switch (policy) {
            case OFF -> PayloadMode.NONE;
            case HASH -> PayloadMode.HASH;
            case REDACTED -> PayloadMode.REDACTED;
            case FULL -> PayloadMode.FULL;
        };
    }

    /**
     * The payload of call {@code callId} under {@code mode} (not {@link PayloadMode#NONE}).
     *
     * @param request the request body as received
     * @param response the response as sent or assembled; null when the provider never answered
     */
    public StoredPayload keep(String callId, PayloadMode mode, byte[] request, byte[] response) {
        byte[] answer = response == null ? new byte[0] : response;
        String requestSha = sha256(request);
        String responseSha = sha256(answer);
        return switch (mode) {
            case NONE -> throw new IllegalArgumentException("mode: none (expected: hash, redacted or full)");
            case HASH -> new StoredPayload(callId, mode, null, null, requestSha, responseSha, false, clock.instant());
            case REDACTED, FULL -> {
                String req = text(request, mode);
                String res = text(answer, mode);
                Cut reqCut = cut(req, capBytes);
                Cut resCut = cut(res, capBytes);
                yield new StoredPayload(callId, mode, reqCut.text(), resCut.text(), requestSha, responseSha,
                        reqCut.truncated() || resCut.truncated(), clock.instant());
            }
        };
    }

    private String text(byte[] body, PayloadMode mode) {
        String text = new String(body, StandardCharsets.UTF_8);
        return mode == PayloadMode.REDACTED ? redactor.redact(text) : text;
    }

    private record Cut(String text, boolean truncated) {
    }

    /** At most {@code capBytes} UTF-8 bytes of {@code text}, never splitting a character. */
    static Cut cut(String text, int capBytes) {
        if (text.length() * 3L <= capBytes) {
            return new Cut(text, false);
        }
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > capBytes) {
                return new Cut(text.substring(0, i), true);
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return new Cut(text, false);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(EntryHasher.sha256().digest(bytes));
    }
}
