package dev.tally.audit.testing;

import java.time.Duration;

/**
 * Waits for what a background thread of the code under test does (a writer, a folder): polls a
 * condition every 10 ms and fails the test when it still does not hold after 60 s, a bound far
 * above any honest wait, so a slow machine is not a failure but a hang is.
 */
public final class Await {

    /** A condition that may throw, e.g. one that queries a database. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Returns once {@code condition} holds; {@code what} names it in the failure. */
    public static void until(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not " + what + " after 60 s");
            }
            Thread.sleep(10);
        }
    }
}
