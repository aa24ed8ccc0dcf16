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
 * @param storeHealthy same as {@code writesCommitting} (kept for the existing gauge)
 * @param journalBytes size of the spill journal now, including records still in memory
 * @param writesCommitting true only while store commits succeed: the last commit of entries (or
 *     the idempotent probe, when nothing waits to be written) succeeded
 * @param refusedUnrecordable calls a gateway refused because the recorder was not recordable
 *     (counted by {@link Recorder#countRefused()})
 * @param journalRejected spill journal records refused at replay (bad MAC, out of order,
 *     duplicated): never chained
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
        boolean storeHealthy,
        long journalBytes,
        boolean writesCommitting,
        long refusedUnrecordable,
        long journalRejected) {

    /** The counters of before the durability fields, which are then 0 (or follow {@code storeHealthy}). */
    public RecorderStats(long queueDepth, long committed, long spilled, long replayed, long lost, long storeErrors,
            long headSeq, long writerLagMillis, boolean storeHealthy) {
        this(queueDepth, committed, spilled, replayed, lost, storeErrors, headSeq, writerLagMillis, storeHealthy, 0,
                storeHealthy, 0, 0);
    }
}
