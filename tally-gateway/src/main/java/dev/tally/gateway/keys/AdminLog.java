package dev.tally.gateway.keys;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.store.AdminChange;

/**
 * Applies an admin change together with the event that records it, in one store transaction:
 * if the event cannot be written, the change does not happen. In production this is
 * {@code recorder::commitChange} of the instance's {@link dev.tally.audit.recorder.Recorder}.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface AdminLog {

    /**
     * Returns once the change and its event are durable.
     *
     * @throws IllegalArgumentException when the store rejects the change (duplicate name, unknown key)
     * @throws dev.tally.audit.store.StoreException when the store cannot be written; nothing changed
     */
    void commit(AdminChange change, AdminEvent event) throws InterruptedException;
}
