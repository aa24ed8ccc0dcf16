package dev.tally.gateway.payload;

import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.StoredPayload;
import dev.tally.gateway.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Decides what is kept of a call's bodies and makes the {@link StoredPayload}: the key's
 * {@code payload_policy} when set, else {@code audit.payload}. {@code hash} keeps the SHA-256 of
 * the request body as received and of the response (the body as sent, or for a stream the
 * assembled text and tool calls); {@code redacted} keeps both texts through the {@link Redactor};
 * {@code full} keeps them as they are. Each kept text is cut at {@link #CAP_BYTES} UTF-8 bytes (on
 * a character boundary) and the payload then says {@code truncated}; the digests are always over
 * the whole body. Thread-safe (immutable).
 */
public final class PayloadKeeper {

    /** Most UTF-8 bytes kept per body (64 KiB). */
    public static final int CAP_BYTES = 64 * 1024;

    private final GatewayConfig.PayloadPolicy global;
    private final Redactor redactor;
    private final Clock clock;

    public PayloadKeeper(GatewayConfig.PayloadPolicy global, Redactor redactor, Clock clock) {
        this.global = global;
        this.redactor = redactor;
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
                Cut reqCut = cut(req);
                Cut resCut = cut(res);
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

    /** At most {@link #CAP_BYTES} UTF-8 bytes of {@code text}, never splitting a character. */
    static Cut cut(String text) {
        if (text.length() * 3L <= CAP_BYTES) {
            return new Cut(text, false);
        }
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > CAP_BYTES) {
                return new Cut(text.substring(0, i), true);
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return new Cut(text, false);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
