package dev.tally.gateway.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends upstream reads that wait past their deadline, from one daemon thread, so that the call's
 * thread can block on the socket with no timeout of its own.
 *
 * <p>Why: a virtual thread blocked in a socket read with a timeout ({@code SO_TIMEOUT}) parks with
 * a timed park. On JDK 25 each one hands a task to the virtual-thread scheduler's delay thread,
 * which is woken for it, and the answer's arrival cancels the task again: a thread wake-up and
 * two queue operations on every call's path. Profiled on the 2-core machine at 32 connections,
 * that delay thread and the cancelling took about 6% of the gateway's CPU (see
 * bench/README.md, "Sixth pass"). A provider answers long
 * before its timeouts nearly always, so here no timer is armed per read at all: a read states its
 * deadline ({@link #watch}) and this thread looks at the reads in progress every {@link #TICK}.
 * A read found past its deadline is marked timed out and its connection closed, which wakes the
 * blocked reader with an exception that {@link Http1Connection#fill} turns into a
 * {@link java.net.SocketTimeoutException}, the same signal the socket's own timeout gave.
 *
 * <p>A timeout fires at most one tick (plus the scan) after its deadline. With no read in
 * progress for {@link #IDLE_BEFORE_SLEEP}, the thread stops ticking and sleeps until the next
 * read starts, so an idle gateway does not wake up a hundred times a second.
 *
 * <p>Thread-safe. The thread starts with the first read and lives as long as the JVM.
 */
final class ReadDeadlines {

    /** How often reads in progress are looked at: the most a timeout fires late. */
    static final Duration TICK = Duration.ofMillis(10);
    /** How long with no read in progress before the thread sleeps instead of ticking. */
    static final Duration IDLE_BEFORE_SLEEP = Duration.ofSeconds(1);

    static final ReadDeadlines SHARED = new ReadDeadlines();

    /** The reads in progress: connection to deadline ({@link System#nanoTime()}). */
    private final Map<Http1Connection, Long> reading = new ConcurrentHashMap<>();
    private volatile Thread thread;
    /** True while the thread sleeps untimed: the next {@link #watch} must wake it. */
    private volatile boolean asleep;
    private volatile long naps; // written by the thread only

    private ReadDeadlines() {
    }

    /** {@code connection} starts a blocking read that must end by {@code deadline} ({@link System#nanoTime()}). */
    void watch(Http1Connection connection, long deadline) {
        reading.put(connection, deadline);
        Thread t = thread;
        if (t == null) {
            t = start();
        }
        if (asleep) {
            LockSupport.unpark(t);
        }
    }

    /** {@code connection}'s read is over (data, end of stream or failure). */
    void unwatch(Http1Connection connection) {
        reading.remove(connection);
    }

    /**
     * How many times the thread has gone to sleep (for tests): once it has gone again after a
     * read, every tick that could have closed that read has run.
     */
    long naps() {
        return naps;
    }

    private synchronized Thread start() {
        if (thread == null) {
            Thread t = new Thread(this::run, "tally-upstream-deadlines");
            t.setDaemon(true);
            thread = t;
            t.start();
        }
        return thread;
    }

    private void run() {
        long tick = TICK.toNanos();
        long idleSince = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (reading.isEmpty()) {
                if (now - idleSince >= IDLE_BEFORE_SLEEP.toNanos()) {
                    asleep = true;
                    naps++;
                    // a read that started after the isEmpty above saw asleep == true and unparks
                    if (reading.isEmpty()) {
                        LockSupport.park(this);
                    }
                    asleep = false;
                    idleSince = System.nanoTime();
                    continue;
                }
            } else {
                idleSince = now;
                reading.forEach((c, deadline) -> {
                    // removed only if it is still the same read: the next read on c has its own deadline
                    if (now - deadline >= 0 && reading.remove(c, deadline)) {
                        c.timeOut();
                    }
                });
            }
            LockSupport.parkNanos(this, tick);
        }
    }
}
