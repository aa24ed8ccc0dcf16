package dev.tally.audit.recorder;

/**
 * What {@link Recorder#close(java.time.Duration)} made of the writes handed over before it.
 *
 * @param stored writes committed to the store while closing (the queue drained, the journal replayed)
 * @param journaled writes left in the spill journal and fsynced: replayed on the next start
 * @param notDurable writes that are in neither: the queue or the batch in flight when the timeout
 *     ran out, journal records not yet on the device, writes that could be neither stored nor
 *     journaled while closing. A process that exits now loses them; 0 after a clean close
 */
public record CloseResult(long stored, long journaled, long notDurable) {

    public CloseResult {
        if (stored < 0 || journaled < 0 || notDurable < 0) {
            throw new IllegalArgumentException("close result: stored " + stored + ", journaled " + journaled
                    + ", not durable " + notDurable + " (expected: all >= 0)");
        }
    }

    /** Whether every write handed over before the close is durable (stored or journaled). */
    public boolean allDurable() {
        return notDurable == 0;
    }
}
