package dev.tally.audit.store;

import dev.tally.audit.keys.VirtualKey;
import java.util.List;
import java.util.Optional;

/**
 * The virtual keys as stored (changed only through {@link AdminChange}s in a committed batch).
 * One role of {@link AuditStore}; thread-safe.
 */
public interface KeyReads {

    /** A key by the hex SHA-256 of its secret. */
    Optional<VirtualKey> keyBySecretHash(String secretHash);

    /** A key by id. */
    Optional<VirtualKey> key(String id);

    /** A key by name. */
    Optional<VirtualKey> keyByName(String name);

    /** Every key, revoked ones included, by creation time. */
    List<VirtualKey> keys();
}
