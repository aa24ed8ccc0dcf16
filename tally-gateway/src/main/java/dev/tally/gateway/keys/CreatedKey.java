package dev.tally.gateway.keys;

import dev.tally.audit.keys.VirtualKey;

/**
 * A key just created, with its secret: the only time the secret exists outside the client.
 * {@link #toString()} leaves the secret out, so logging this value cannot leak it.
 *
 * @param key the stored key (hash and prefix only)
 * @param secret the full secret {@code tk-...}; show it once, never store or log it
 */
public record CreatedKey(VirtualKey key, String secret) {

    @Override
    public String toString() {
        return "CreatedKey[id=" + key.id() + ", name=" + key.name() + ", prefix=" + key.prefix() + "]";
    }
}
