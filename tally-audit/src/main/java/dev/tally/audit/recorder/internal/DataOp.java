package dev.tally.audit.recorder.internal;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.recorder.Receipt;
import dev.tally.audit.store.StoredPayload;
import java.util.concurrent.CompletableFuture;

/**
 * A journal op on its way through the recorder's queue. Thread-safe: the fields are final except
 * the cached canonical bytes, which are volatile and may be set by either the writer or the
 * {@link AheadEncoder} (both compute the same bytes).
 */
final class DataOp {

    private final JournalOp op;
    private final long enqueuedNanos;
    private final CompletableFuture<Receipt> waiter;
    private final StoredPayload payload;
    private volatile byte[] body;

    /**
     * @param op what to write
     * @param enqueuedNanos {@link System#nanoTime()} when the caller handed it over, for the writer lag
     * @param waiter completed once the op is durable (stored or spilled), or null for fire-and-forget
     */
    DataOp(JournalOp op, long enqueuedNanos, CompletableFuture<Receipt> waiter) {
        this(op, enqueuedNanos, waiter, null);
    }

    /**
     * @param payload the kept payload of the call record {@code op} appends, or null; it rides in
     *     the record's batch but not into the spill journal (a spilled op drops it)
     */
    DataOp(JournalOp op, long enqueuedNanos, CompletableFuture<Receipt> waiter, StoredPayload payload) {
        this.op = op;
        this.enqueuedNanos = enqueuedNanos;
        this.waiter = waiter;
        this.payload = payload;
    }

    /** The kept payload to store with the record, or null. */
    StoredPayload payload() {
        return payload;
    }

    JournalOp op() {
        return op;
    }

    long enqueuedNanos() {
        return enqueuedNanos;
    }

    CompletableFuture<Receipt> waiter() {
        return waiter;
    }

    /** The entry's canonical bytes if already computed, else null. */
    byte[] body() {
        return body;
    }

    /** Computes the canonical bytes of an entry to append, ahead of the writer; false if there was nothing to do. */
    boolean encodeAhead() {
        if (body != null || op.op() != JournalOp.Type.APPEND) {
            return false;
        }
        body = EntryHasher.canonicalBytes(op.entry());
        return true;
    }

    void complete(Receipt receipt) {
        if (waiter != null) {
            waiter.complete(receipt);
        }
    }

    void fail(RuntimeException error) {
        if (waiter != null) {
            waiter.completeExceptionally(error);
        }
    }
}
