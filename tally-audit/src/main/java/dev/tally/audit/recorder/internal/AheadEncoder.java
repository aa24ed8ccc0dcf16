package dev.tally.audit.recorder.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.locks.LockSupport;

/**
 * Computes the canonical bytes of queued entries on a second thread while the writer waits for a
 * store commit, so that when the writer takes the next batch it only hashes. It is a cache and
 * nothing else: the writer computes whatever is missing itself, the bytes are the same whoever
 * computes them, and the order, the chain and failure handling do not depend on it. It looks at
 * most two batches ahead, so the memory it adds is bounded, and it sleeps until the writer takes
 * a batch (or {@code flush_interval} passes).
 *
 * <h2>Yielding</h2>
 * It gives up its core every {@value #YIELD_EVERY} entries (about 50 µs of encoding). Woken as the
 * writer takes a batch, it used to encode two batches' worth (several milliseconds) in one go,
 * just when the writer, the database's process and the store's other threads all wanted one of
 * the two cores for the batch's round trips: on PostgreSQL the first round trip of a batch (a
 * statement the server runs in 0.03 ms) then took 0.6-1 ms at the median and 4-6 ms at p90 as
 * the writer saw it. Yielding (with the store's summing thread doing the same) brought that p90
 * to 1-2.4 ms in most runs; see {@code bench/README.md}.
 *
 * <p>Thread-safe: {@link #wake} and {@link #stop} may be called from any thread.
 */
final class AheadEncoder {

    /** Entries encoded between two {@link Thread#yield}s. */
    static final int YIELD_EVERY = 16;

    private static final System.Logger LOG = System.getLogger(AheadEncoder.class.getName());

    private final Ingress ingress;
    private final int window;
    private final long idleNanos;
    private final Thread thread;
    private volatile boolean stopped;

    AheadEncoder(Ingress ingress, int window, long idleNanos, String chain) {
        this.ingress = ingress;
        this.window = window;
        this.idleNanos = idleNanos;
        this.thread = Thread.ofPlatform().name("tally-audit-encoder-" + chain).daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The writer took a batch: there is room ahead to fill. */
    void wake() {
        LockSupport.unpark(thread);
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    private void run() {
        while (!stopped) {
            try {
                if (ingress.encodeAhead(window) == 0) {
                    LockSupport.parkNanos(idleNanos);
                    Thread.interrupted();
                }
            } catch (RuntimeException e) {
                // the writer encodes the entry itself and reports what is wrong with it
                LOG.log(Level.DEBUG, "audit: encoding ahead failed; the writer will encode", e);
                LockSupport.parkNanos(idleNanos);
            }
        }
    }
}
