package dev.tally.audit.recorder;

/**
 * A snapshot of a recorder's counters, for metrics. {@code lost} must stay 0: it counts
 * entries that reached neither the store nor the spill journal.
 *
 * @param queueDepth entries waiting for the writer
 * @param committed entries committed to the store since start
 * @param spilled entries written to the spill journal since start
 * @param replayed entries replayed from the spill journal into the store since start
 * @param lost entries that could be neither stored nor spilled
 * @param storeErrors failed store commits since start
 * @param headSeq the last seq assigned on this chain
 * @param writerLagMillis age of the oldest entry still waiting, 0 when the queue is empty
 * @param storeHealthy whether the last store commit succeeded
 */
public record RecorderStats(
        long queueDepth,
        long committed,
        long spilled,
        long replayed,
        long lost,
        long storeErrors,
        long headSeq,
        long writerLagMillis,
        boolean storeHealthy) {
}
