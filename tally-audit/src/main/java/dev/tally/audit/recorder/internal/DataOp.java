package dev.tally.audit.recorder.internal;

import dev.tally.audit.recorder.Receipt;
import java.util.concurrent.CompletableFuture;

/**
 * A journal op on its way through the recorder's queue.
 *
 * @param op what to write
 * @param enqueuedNanos {@link System#nanoTime()} when the caller handed it over, for the writer lag
 * @param waiter completed once the op is durable (stored or spilled), or null for fire-and-forget
 */
record DataOp(JournalOp op, long enqueuedNanos, CompletableFuture<Receipt> waiter) {

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
