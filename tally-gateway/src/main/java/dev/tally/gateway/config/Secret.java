package dev.tally.gateway.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A configured secret (a provider API key, the admin token). Its {@link #toString()} is masked so
 * a config object can be printed or logged without leaking it; only {@link #reveal()} gives the
 * value, and callers use it solely to put the secret on the wire. Immutable, thread-safe.
 */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "secret");
    }

    /** The secret itself, for an outgoing header or a constant-time comparison. Never log it. */
    public String reveal() {
        return value;
    }

    /** Compares with a presented value in constant time (for the admin token). */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "****";
    }
}
