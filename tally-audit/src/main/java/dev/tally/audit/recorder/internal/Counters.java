package dev.tally.audit.recorder.internal;

import java.util.concurrent.atomic.AtomicLong;

/** The recorder's metrics. Thread-safe: every field is atomic or volatile. */
final class Counters {
    final AtomicLong committed = new AtomicLong();
    final AtomicLong spilled = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    final AtomicLong storeErrors = new AtomicLong();
    /** Payloads dropped because their record went to the spill journal, which carries records only. */
    final AtomicLong payloadsDropped = new AtomicLong();
    /** Spill journal records refused at replay (bad MAC, out of order): never chained. */
    final AtomicLong journalRejected = new AtomicLong();
    /** Calls a gateway refused while nothing could record them. */
    final AtomicLong refusedUnrecordable = new AtomicLong();
    volatile long headSeq;
    /** Writes in the batch the writer is committing now (0 between batches). */
    volatile int inFlightCount;
    /** Whether store commits succeed now: set by every commit attempt of the writer. */
    volatile boolean storeHealthy = true;
    /** nanoTime when the writer took its current batch off the queue, or 0 between batches. */
    volatile long inFlightSince;
}
