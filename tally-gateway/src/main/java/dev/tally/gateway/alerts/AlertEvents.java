package dev.tally.gateway.alerts;

import dev.tally.audit.entry.AdminEvent;

/**
 * Where the dispatcher's events go: the instance's recorder, so each delivery and each final
 * failure is an entry of the chain like any other. Implementations are thread-safe.
 */
@FunctionalInterface
public interface AlertEvents {

    /** Records {@code event}; returns once it is stored or spilled. */
    void record(AdminEvent event) throws InterruptedException;
}
