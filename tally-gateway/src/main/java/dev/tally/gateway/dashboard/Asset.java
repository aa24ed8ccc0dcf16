package dev.tally.gateway.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One file of the dashboard as served: its bytes, content type, cache policy and entity tag.
 * Immutable.
 *
 * @param bytes the body (never modified after construction; callers must not change it)
 * @param contentType the {@code Content-Type} value, with charset for text
 * @param cacheControl the {@code Cache-Control} value
 * @param etag a strong entity tag over the bytes, quoted as sent
 */
public record Asset(byte[] bytes, String contentType, String cacheControl, String etag) {

    /** Our own files: the browser revalidates each time (cheap 304s), so a new version shows at once. */
    static final String REVALIDATE = "no-cache";
    /** Files whose path carries their version: never revalidated. */
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    static Asset of(byte[] bytes, String contentType, String cacheControl) {
        return new Asset(bytes, contentType, cacheControl, "\"" + sha256(bytes) + "\"");
    }

    static Asset text(String text, String contentType, String cacheControl) {
        return of(text.getBytes(StandardCharsets.UTF_8), contentType, cacheControl);
    }

    private static String sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
