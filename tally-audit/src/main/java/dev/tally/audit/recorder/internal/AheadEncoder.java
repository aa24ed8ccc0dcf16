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
 * <p>Thread-safe: {@link #wake} and {@link #stop} may be called from any thread.
 */
final class AheadEncoder {

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
