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
    volatile long headSeq;
    volatile boolean storeHealthy = true;
    /** nanoTime when the writer took its current batch off the queue, or 0 between batches. */
    volatile long inFlightSince;
}
