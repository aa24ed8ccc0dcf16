package dev.tally.gateway.keys;

import dev.tally.audit.chain.EntryHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The format of virtual key secrets, and the only place that turns a secret into what is
 * stored about it.
 *
 * <p>A secret is {@code tk-} followed by {@value #RANDOM_CHARS} base62 characters drawn from a
 * secure random generator (about 256 bits; rejection sampling keeps every character uniform).
 * At rest only {@link #hash} (hex SHA-256 of the whole secret, UTF-8) and {@link #prefix} (its
 * first {@value #PREFIX_LENGTH} characters: {@code tk-} plus 7 random ones, safe to show and log)
 * are kept. A plain, unsalted hash is enough because the secret is 256 random bits: there is no
 * dictionary to precompute. Stateless and thread-safe.
 */
public final class KeySecrets {

    /** Every secret starts with this. */
    public static final String SCHEME = "tk-";
    /** Random characters after the scheme in a newly made secret. */
    public static final int RANDOM_CHARS = 43;
    /** Characters of the secret kept and shown as its public prefix. */
    public static final int PREFIX_LENGTH = 10;

    /** Shortest and longest presented key we look up; anything else cannot be ours. */
    private static final int MIN_LENGTH = SCHEME.length() + 20;
    private static final int MAX_LENGTH = 200;
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private KeySecrets() {
    }

    /** A new secret from {@code random}, which must be a secure generator outside tests. */
    public static String generate(RandomGenerator random) {
        StringBuilder out = new StringBuilder(SCHEME.length() + RANDOM_CHARS).append(SCHEME);
        while (out.length() < SCHEME.length() + RANDOM_CHARS) {
            int b = random.nextInt(256);
            // 248 = 4 * 62: values at or above it would make the first characters more likely.
            if (b < 248) {
                out.append(BASE62[b % 62]);
            }
        }
        return out.toString();
    }

    /** Hex SHA-256 of the secret's UTF-8 bytes: what the store keeps and looks keys up by. */
    public static String hash(String secret) {
        byte[] digest = EntryHasher.sha256().digest(secret.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    /** The public prefix of a secret we made (or of anything shaped like one). */
    public static String prefix(String secret) {
        return secret.substring(0, PREFIX_LENGTH);
    }

    /**
     * Whether {@code presented} has the shape of a virtual key: the scheme, then 20..197
     * characters of base62 or base64url. Only such values are looked up, and only their prefix
     * is ever reported, so a provider key sent to the gateway by mistake is never echoed.
     */
    public static boolean wellFormed(String presented) {
        if (presented == null || !presented.startsWith(SCHEME)
                || presented.length() < MIN_LENGTH || presented.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = SCHEME.length(); i < presented.length(); i++) {
            char c = presented.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                    || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Compares two hex hashes in time that does not depend on where they differ, so response
     * timing never tells how much of a guessed hash matched.
     */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
