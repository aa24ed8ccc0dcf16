package dev.tally.audit.recorder;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * API CONTRACT (to be implemented): the front door of the audit log.
 */
public final class Recorder implements AutoCloseable {

    /**
     * Starts a recorder on {@code store}: loads or creates the signing keys in the data dir and
     * registers the public key, replays the spill journal, turns surviving opening markers into
     * interrupted records, then starts the writer thread.
     */
    public static Recorder start(AuditStore store, RecorderConfig config, Clock clock) {
        throw new UnsupportedOperationException();
    }

    /** Enqueues an opening marker; never blocks, never throws. */
    public void open(CallOpening opening) {
        throw new UnsupportedOperationException();
    }

    /** Enqueues an entry; never blocks, never throws. */
    public void record(AuditEntry entry) {
        throw new UnsupportedOperationException();
    }

    /** Sync mode: enqueues the marker and waits until it is durable. */
    public Receipt openAndWait(CallOpening opening) throws InterruptedException {
        throw new UnsupportedOperationException();
    }

    /** Sync mode: enqueues the entry and waits until it is durable. */
    public Receipt recordAndWait(AuditEntry entry) throws InterruptedException {
        throw new UnsupportedOperationException();
    }

    /**
     * Applies an admin change and appends its event in one store transaction, waiting for it.
     *
     * @throws IllegalArgumentException when the store rejects the change (duplicate name, unknown key)
     * @throws dev.tally.audit.store.StoreException when the store cannot be written; the change did not happen
     */
    public void commitChange(AdminChange change, AdminEvent event) throws InterruptedException {
        throw new UnsupportedOperationException();
    }

    /** Prunes entries before {@code before}, leaving a signed anchor and a retention_run event. */
    public Optional<SignedHead> prune(Instant before, String actor) throws InterruptedException {
        throw new UnsupportedOperationException();
    }

    /** Waits until everything enqueued before this call is durable. */
    public void flush() throws InterruptedException {
        throw new UnsupportedOperationException();
    }

    public RecorderStats stats() {
        throw new UnsupportedOperationException();
    }

    public boolean storeHealthy() {
        throw new UnsupportedOperationException();
    }

    public String chain() {
        throw new UnsupportedOperationException();
    }

    /** Drains the queue, writes a final checkpoint, stops the writer. */
    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
