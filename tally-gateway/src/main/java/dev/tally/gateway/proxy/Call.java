package dev.tally.gateway.proxy;

import dev.tally.audit.keys.VirtualKey;
import java.util.Objects;

/**
 * An authenticated call, as the decorators inside {@link Authenticated} see it: its envelope and
 * the virtual key it presented. Immutable.
 *
 * @param meta the envelope (request id, trace, tags, client)
 * @param key the key the call authenticated with
 * @param problem what is wrong with one of its headers (the call is then answered 400 and
 *     recorded), or null
 */
public record Call(RequestMeta meta, VirtualKey key, String problem) {

    public Call {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(key, "key");
    }
}
