package dev.tally.audit.recorder.internal;

import dev.tally.audit.recorder.Receipt;
import dev.tally.audit.store.StoreException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Where callers hand writes to the writer: a bounded lock-free queue, and the spill journal when
 * the queue is full or the store is failing.
 *
 * <p>Order. The writer commits in the order a thread handed its writes over (a call's opening
 * before its record). The queue keeps that order by itself; the journal keeps it because, once
 * anything is in the journal ({@link #spilling()}), every later write goes there too, and every
 * move between queue, journal and writer happens under {@link #lock}:
 * <ul>
 *   <li>A caller that finds the queue full switches to spilling and moves the whole queue into the
 *       journal before its own write.</li>
 *   <li>A caller that enqueued while someone switched (it read the flag just before) sees the flag
 *       right after and moves the queue, so its write lands in the journal before its next one.</li>
 *   <li>The writer takes a batch off the queue under the lock, so the batch is older than anything
 *       spilled later; if its commit fails it is put before the journal's records.</li>
 * </ul>
 * The fast path (queue has room, not spilling) takes no lock: one counter increment, one
 * lock-free offer, two volatile reads.
 *
 * <p>Thread-safe.
 */
final class Ingress {

    private static final System.Logger LOG = System.getLogger(Ingress.class.getName());

    private final Object lock = new Object();
    private final ConcurrentLinkedQueue<DataOp> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ControlOp> controls = new ConcurrentLinkedQueue<>();
    private final AtomicInteger depth = new AtomicInteger();
    private final int capacity;
    private final int batchSize;
    private final SpillJournal journal;
    private final Counters counters;
    private final LogLimiter limiter;
    private volatile boolean spilling; // written under lock
    private volatile boolean closed;
    private volatile Thread writer;

    Ingress(int capacity, int batchSize, SpillJournal journal, Counters counters, LogLimiter limiter) {
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.journal = journal;
        this.counters = counters;
        this.limiter = limiter;
    }

    void writerThread(Thread thread) {
        this.writer = thread;
    }

    /** Hands a write over; never blocks on the store, never throws. */
    void submit(DataOp op) {
        if (closed) {
            counters.lost.incrementAndGet();
            limiter.log("closed", Level.ERROR, 1, "audit write after the recorder was closed: LOST (entry id "
                    + op.op().entry().id() + ")");
            op.fail(new IllegalStateException("recorder: closed (expected: open)"));
            return;
        }
        if (!spilling) {
            int n = depth.incrementAndGet();
            if (n <= capacity) {
                queue.offer(op);
                if (spilling) {
                    synchronized (lock) {
                        moveQueueLocked();
                    }
                } else if (op.waiter() != null || n == batchSize) {
                    wake();
                }
                return;
            }
            depth.decrementAndGet();
        }
        byte[] payload = encodeOutsideLock(op);
        synchronized (lock) {
            spilling = true;
            moveQueueLocked();
            if (payload == null) {
                spillLocked(List.of(op), false);
            } else {
                appendPayloadLocked(op, payload);
            }
        }
    }

    /** Encodes the caller's own write before taking the lock, so spilling callers contend less. */
    private static byte[] encodeOutsideLock(DataOp op) {
        try {
            return SpillJournal.payload(op.op());
        } catch (IOException | RuntimeException e) {
            return null; // spillLocked tries again and accounts for the failure
        }
    }

    /** A waiting caller's write is appended durably (all or nothing), so a failure can be reported exactly. */
    private void appendPayloadLocked(DataOp op, byte[] payload) {
        try {
            journal.appendPayloads(List.of(payload), op.waiter() != null);
        } catch (IOException | RuntimeException e) {
            lostLocked(List.of(op), e);
            return;
        }
        counters.spilled.incrementAndGet();
        countDroppedPayloads(List.of(op));
        op.complete(Receipt.SPILLED);
    }

    /**
     * Queues a control op for the writer; they are unbounded (callers wait for them). After
     * {@link #close} it is answered at once with an error, so no caller waits for a stopped writer.
     */
    void submit(ControlOp op) {
        synchronized (lock) {
            if (closed) {
                op.fail(new IllegalStateException("recorder: closed (expected: open)"));
                return;
            }
            controls.offer(op);
        }
        wake();
    }

    ControlOp pollControl() {
        return controls.poll();
    }

    boolean hasControl() {
        return !controls.isEmpty();
    }

    /**
     * The writer's next batch, at most {@code max} writes. Empty when spilling: then the queue is
     * moved into the journal instead, behind what is already there.
     */
    List<DataOp> take(int max) {
        synchronized (lock) {
            if (spilling) {
                moveQueueLocked();
                return List.of();
            }
            List<DataOp> batch = new ArrayList<>(Math.min(max, Math.max(depth.get(), 1)));
            DataOp op;
            while (batch.size() < max && (op = queue.poll()) != null) {
                batch.add(op);
            }
            depth.addAndGet(-batch.size());
            if (!batch.isEmpty()) {
                counters.inFlightSince = batch.getFirst().enqueuedNanos();
            }
            return batch;
        }
    }

    /** Moves the queue into the journal while spilling (the writer calls it on every loop). */
    void moveQueue() {
        synchronized (lock) {
            moveQueueLocked();
        }
    }

    /**
     * The store failed to commit {@code batch}: switches to spilling and puts the batch before
     * everything in the journal, then answers its waiters with {@link Receipt#SPILLED}.
     */
    void spillFailedBatch(List<DataOp> batch) {
        synchronized (lock) {
            spilling = true;
            spillLocked(batch, true);
            moveQueueLocked();
        }
    }

    /** Switches to spilling (the store is not usable). */
    void startSpilling() {
        synchronized (lock) {
            spilling = true;
        }
    }

    /**
     * Ends spilling when the journal was fully replayed: empties it and returns true. Returns false
     * when records arrived meanwhile.
     */
    boolean finishSpilling() throws IOException {
        synchronized (lock) {
            moveQueueLocked();
            if (journal.truncateIfDrained()) {
                spilling = false;
                return true;
            }
            return false;
        }
    }

    boolean spilling() {
        return spilling;
    }

    /** Refuses further writes and control ops; those already queued are still there to drain. */
    void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    /**
     * Encodes up to {@code window} queued entries from the head that are not encoded yet (see
     * {@link AheadEncoder}); returns how many it encoded.
     */
    int encodeAhead(int window) {
        int seen = 0;
        int encoded = 0;
        for (DataOp op : queue) {
            if (++seen > window) {
                break;
            }
            if (op.encodeAhead()) {
                encoded++;
                if (encoded % AheadEncoder.YIELD_EVERY == 0) {
                    Thread.yield(); // see AheadEncoder: a short wait for the writer or the database, not a long one
                }
            }
        }
        return encoded;
    }

    /**
     * After the writer stopped: takes what raced into the queue after its last drain, answers any
     * waiter with an error and returns how many writes were there (they are lost).
     */
    int abandonQueue() {
        int n = 0;
        DataOp op;
        IllegalStateException closedError = new IllegalStateException("recorder: closed (expected: open)");
        while ((op = queue.poll()) != null) {
            depth.decrementAndGet();
            op.fail(closedError);
            n++;
        }
        return n;
    }

    int depth() {
        return depth.get();
    }

    /** Whether {@link #close} was called. */
    boolean closed() {
        return closed;
    }

    /** nanoTime of the oldest write still queued, or 0 when none. */
    long oldestEnqueuedNanos() {
        DataOp head = queue.peek();
        return head == null ? 0 : head.enqueuedNanos();
    }

    private void wake() {
        Thread thread = writer;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    private void moveQueueLocked() {
        if (queue.isEmpty()) {
            return;
        }
        List<DataOp> moved = new ArrayList<>();
        DataOp op;
        while ((op = queue.poll()) != null) {
            moved.add(op);
        }
        depth.addAndGet(-moved.size());
        spillLocked(moved, false);
    }

    /** Writes ops to the journal; syncs and answers waiters when there are any. */
    private void spillLocked(List<DataOp> ops, boolean beforeJournal) {
        if (ops.isEmpty()) {
            return;
        }
        List<JournalOp> records = new ArrayList<>(ops.size());
        boolean waiting = false;
        for (DataOp op : ops) {
            records.add(op.op());
            waiting |= op.waiter() != null;
        }
        try {
            if (beforeJournal) {
                int refused = journal.prepend(records, waiting);
                if (refused > 0) {
                    counters.journalRejected.addAndGet(refused);
                    LOG.log(Level.ERROR, "audit: spill journal {0}: {1} records failed their MAC or order check while"
                            + " it was rewritten; they were left out and are never chained", journal.path(), refused);
                }
            } else {
                journal.appendPayloads(SpillJournal.payloads(records), waiting);
            }
        } catch (IOException | RuntimeException e) {
            lostLocked(ops, e);
            return;
        }
        counters.spilled.addAndGet(ops.size());
        countDroppedPayloads(ops);
        ops.forEach(op -> op.complete(Receipt.SPILLED));
    }

    /** The journal keeps records only: a spilled record's payload is dropped (never the record). */
    private void countDroppedPayloads(List<DataOp> ops) {
        long dropped = ops.stream().filter(op -> op.payload() != null).count();
        if (dropped > 0) {
            counters.payloadsDropped.addAndGet(dropped);
            limiter.log("payloads", Level.WARNING, dropped, "audit: " + dropped + " payloads dropped with their records"
                    + " spilled to " + journal.path() + " (records kept)");
        }
    }

    private void lostLocked(List<DataOp> ops, Exception e) {
        counters.lost.addAndGet(ops.size());
        limiter.log("lost", Level.ERROR, ops.size(), "audit: " + ops.size() + " writes could be neither stored nor"
                + " spilled to " + journal.path() + ": LOST (first entry id " + ops.getFirst().op().entry().id() + "; "
                + LogLimiter.describe(e) + ")");
        StoreException error = new StoreException("audit write could be neither stored nor spilled: "
                + e.getMessage(), e);
        ops.forEach(op -> op.fail(error));
    }
}
