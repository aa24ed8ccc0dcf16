package dev.tally.gateway.auth;

import java.time.Duration;

/** Waits; injected so tests can record requested delays instead of waiting. Thread-safe. */
@FunctionalInterface
public interface Sleeper {

    /** The real one: {@link Thread#sleep(Duration)} (cheap on a virtual thread). */
    Sleeper SYSTEM = Thread::sleep;

    /** Returns after {@code delay}, or throws when interrupted first. */
    void sleep(Duration delay) throws InterruptedException;
}
