package dev.tally.gateway.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a request body may stall. A client that declares a content-length and then
 * sends fewer bytes while keeping the connection open would otherwise hold its call's virtual
 * thread (and record) forever: Helidon reads through a blocking channel with no read timeout.
 * Every body read registers here and reports progress; one daemon thread looks every second and
 * interrupts a reader that made no progress for {@link #STALL_LIMIT}. Interrupting a virtual
 * thread blocked on a socket closes the socket and wakes the thread with an exception, so the
 * call ends (recorded as {@code body_length_mismatch}) and the connection is gone.
 *
 * <p>Thread-safe. The scan thread starts with the first read and lives as long as the JVM.
 */
final class BodyWatchdog {

    /** Longest time without a byte of body before the read is given up. */
    static final Duration STALL_LIMIT = Duration.ofSeconds(30);

    private static final Map<Thread, Long> READERS = new ConcurrentHashMap<>(); // reader -> nanoTime of last progress
    private static final ScheduledExecutorService SCAN = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tally-body-watchdog");
        t.setDaemon(true);
        return t;
    });

    static {
        SCAN.scheduleWithFixedDelay(BodyWatchdog::scan, 1, 1, TimeUnit.SECONDS);
    }

    private BodyWatchdog() {
    }

    /** The current thread starts (or made progress in) a body read. */
    static void progress() {
        READERS.put(Thread.currentThread(), System.nanoTime());
    }

    /** The current thread's body read is over. */
    static void done() {
        READERS.remove(Thread.currentThread());
    }

    private static void scan() {
        long now = System.nanoTime();
        READERS.forEach((thread, last) -> {
            if (now - last > STALL_LIMIT.toNanos() && READERS.remove(thread, last)) {
                thread.interrupt();
            }
        });
    }
}
