package dev.tally.gateway.keys;

import dev.tally.audit.keys.VirtualKey;
import java.util.Optional;

/** Finds a key by the hex SHA-256 of its secret. Implementations are thread-safe. */
@FunctionalInterface
public interface KeyLookup {

    /**
     * @return the key whose secret hashes to {@code secretHash}, revoked and disabled keys included
     * @throws dev.tally.audit.store.StoreException when the store cannot be read
     */
    Optional<VirtualKey> bySecretHash(String secretHash);
}
