package dev.tally.gateway.server;

import java.lang.System.Logger.Level;

/**
 * Runs one shutdown step with a deadline: on its own thread, waited for until the deadline at
 * most. A step that overruns is left running (its thread is a daemon, so it never holds the JVM
 * up) and logged; the shutdown goes on without it. Stateless.
 */
final class Bounded {

    private static final System.Logger LOG = System.getLogger(Bounded.class.getName());

    private Bounded() {
    }

    /**
     * Runs {@code step}; returns true when it finished (normally or by throwing, which is logged)
     * before {@code deadlineNanos} ({@link System#nanoTime()} scale), false when it was left running.
     */
    static boolean run(String name, Runnable step, long deadlineNanos) {
        Thread thread = Thread.ofPlatform().daemon().name("tally-shutdown-" + name).unstarted(() -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "shutdown: stopping the " + name + " failed: " + e);
            }
        });
        thread.start();
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                thread.join(java.time.Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(Level.WARNING, "shutdown: the " + name + " did not stop in time; going on without it");
            return false;
        }
        return true;
    }
}
