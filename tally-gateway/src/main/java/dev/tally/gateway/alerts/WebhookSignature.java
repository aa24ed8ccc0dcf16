package dev.tally.gateway.alerts;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a budget-alert webhook (docs/spend.md, "Budget alerts"):
 * {@code x-tally-signature: v1=<hex HMAC-SHA-256(secret, timestamp + "." + body)>}, where
 * {@code timestamp} is the {@code x-tally-timestamp} header (Unix seconds, as sent) and
 * {@code body} the request body's exact bytes. Covering the timestamp lets a receiver refuse a
 * replayed request; covering the body, an altered one. {@link #verify} is what a receiver does.
 * Stateless, thread-safe.
 */
public final class WebhookSignature {

    /** The signature scheme's prefix in the header. */
    public static final String SCHEME = "v1=";

    private WebhookSignature() {
    }

    /** {@code v1=} + the hex HMAC-SHA-256 of {@code timestamp + "." + body} under {@code secret}. */
    public static String sign(String secret, String timestamp, byte[] body) {
        return SCHEME + HexFormat.of().formatHex(mac(secret, timestamp, body));
    }

    /**
     * Whether {@code header} is a valid signature of {@code body} sent at {@code timestamp}, no
     * further than {@code tolerance} from {@code now}: compared in constant time; any malformed
     * part is simply invalid.
     */
    public static boolean verify(String secret, String header, String timestamp, byte[] body, Instant now,
            Duration tolerance) {
        if (header == null || timestamp == null || !header.startsWith(SCHEME)) {
            return false;
        }
        long sent;
        byte[] presented;
        try {
            sent = Long.parseLong(timestamp);
            presented = HexFormat.of().parseHex(header.substring(SCHEME.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - sent) > tolerance.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(presented, mac(secret, timestamp, body));
    }

    private static byte[] mac(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
