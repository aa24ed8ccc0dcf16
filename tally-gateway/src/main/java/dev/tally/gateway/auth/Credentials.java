package dev.tally.gateway.auth;

import java.util.List;

/**
 * The virtual key a request presents, read from {@code Authorization: Bearer …} and
 * {@code x-api-key}. A request that presents more than one key (either header twice, or both
 * headers with different values) is {@link Ambiguous}: which one counts is never guessed, since
 * a proxy in front may have added one and the gateway would otherwise authenticate a key the
 * client did not mean (or the other way round). The same key in both headers is one key, as some
 * SDKs send it so. Immutable.
 */
public sealed interface Credentials {

    /** Exactly one key. */
    record Key(String secret) implements Credentials {
        @Override
        public String toString() {
            return "Key[****]"; // the secret never reaches a log line
        }
    }

    /** No key at all (or an empty one). */
    record Absent() implements Credentials {
    }

    /** More than one key; {@code message} says which headers, never their values. */
    record Ambiguous(String message) implements Credentials {
    }

    /**
     * Reads the credentials from the raw values of both headers (every occurrence, in order).
     * An {@code Authorization} header of another scheme (not Bearer) presents no key.
     */
    static Credentials of(List<String> authorization, List<String> apiKey) {
        if (authorization.size() > 1) {
            return new Ambiguous("the Authorization header was sent " + authorization.size()
                    + " times (expected: once, or the key in one of Authorization or x-api-key)");
        }
        if (apiKey.size() > 1) {
            return new Ambiguous("the x-api-key header was sent " + apiKey.size()
                    + " times (expected: once, or the key in one of Authorization or x-api-key)");
        }
        String bearer = authorization.isEmpty() ? null : bearer(authorization.getFirst());
        String header = apiKey.isEmpty() ? null : blankToNull(apiKey.getFirst().strip());
        if (bearer != null && header != null && !bearer.equals(header)) {
            return new Ambiguous("Authorization and x-api-key carry different keys (expected: one key, in one of them)");
        }
        String secret = bearer != null ? bearer : header;
        return secret == null ? new Absent() : new Key(secret);
    }

    /** The token of a {@code Bearer} authorization value, or null. */
    static String bearer(String value) {
        String v = value.strip();
        if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return blankToNull(v.substring(7).strip());
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
