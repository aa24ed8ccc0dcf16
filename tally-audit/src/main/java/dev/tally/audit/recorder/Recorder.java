package dev.tally.audit.recorder;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.recorder.internal.AuditWriter;
import dev.tally.audit.recorder.internal.JournalFile;
import dev.tally.audit.recorder.internal.JournalOp;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.StoredPayload;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The front door of the audit log: callers hand it entries, one writer thread chains and commits
 * them (see {@link AuditWriter} for the design and for what is durable when).
 *
 * <p>{@link #open} and {@link #record} never block and never throw: they put the write on a
 * bounded queue, or into the spill journal when the queue is full or the store is failing. The
 * {@code ...AndWait} methods, {@link #commitChange}, {@link #prune} and {@link #flush} block the
 * calling thread (use virtual threads) until the writer has done their work.
 *
 * <p>Thread-safe. One recorder per chain and data directory.
 */
public final class Recorder implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Recorder.class.getName());

    private final AuditWriter writer;
    private final RecorderConfig config;

    private Recorder(AuditWriter writer, RecorderConfig config) {
        this.writer = writer;
        this.config = config;
    }

    /**
     * Starts a recorder on {@code store}: loads or creates the signing keys in the data dir and
     * registers the public key, replays the spill journal (cutting a torn tail), turns surviving
     * opening markers into interrupted records, then starts the writer thread. Returns when all of
     * that is committed.
     *
     * @throws dev.tally.audit.store.StoreException when the store cannot be used: recovery needs it
     * @throws java.io.UncheckedIOException when the data dir, the key pair or the journal cannot be
     *     used, or the journal is corrupt before its last record
     */
    public static Recorder start(AuditStore store, RecorderConfig config, Clock clock) {
        return start(store, config, clock, head -> { });
    }

    /**
     * Like {@link #start(AuditStore, RecorderConfig, Clock)}, with a listener told of every signed
     * head (checkpoint) once it is committed. It is called on the writer thread: it must hand the
     * head off (a queue, a virtual thread) and return at once, never block or throw; a listener that
     * throws is logged and the head stays committed.
     */
    public static Recorder start(AuditStore store, RecorderConfig config, Clock clock,
            java.util.function.Consumer<SignedHead> headListener) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(headListener, "head listener");
        return new Recorder(AuditWriter.start(store, config, clock, headListener), config);
    }

    /**
     * Like {@link #start(AuditStore, RecorderConfig, Clock)}, with the file layer the spill journal
     * writes through: the seam where tests inject ENOSPC and short writes.
     */
    public static Recorder startOnFiles(AuditStore store, RecorderConfig config, Clock clock, JournalFile.Opener files) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(files, "files");
        return new Recorder(AuditWriter.start(store, config, clock, head -> { }, files), config);
    }

    /** Enqueues an opening marker; never blocks, never throws. */
    public void open(CallOpening opening) {
        try {
            writer.submit(JournalOp.open(opening));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "audit: opening marker refused", e);
        }
    }

    /** Enqueues an entry; never blocks, never throws. */
    public void record(AuditEntry entry) {
        try {
            writer.submit(JournalOp.append(entry));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "audit: entry refused", e);
        }
    }

    /**
     * Enqueues a call's closing record with its kept payload; never blocks, never throws. The payload
     * is committed in the record's transaction. If the record has to go to the spill journal (queue
     * full, store failing), the journal carries the record only: the payload is dropped, never the
     * record, and counted in {@link #payloadsDropped()}.
     */
    public void record(AuditEntry entry, StoredPayload payload) {
        if (payload == null) {
            record(entry);
            return;
        }
        try {
            if (!payload.callId().equals(entry.id())) {
                throw new IllegalArgumentException("payload call_id: " + payload.callId()
                        + " (expected: the record's id " + entry.id() + ")");
            }
            writer.submit(JournalOp.append(entry), payload);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "audit: payload refused, recording the entry without it", e);
            record(entry);
        }
    }

    /** Payloads dropped since start because their record was spilled or the store refused them. */
    public long payloadsDropped() {
        return writer.payloadsDropped();
    }

    /**
     * Enqueues the marker and waits until it is durable: {@link Receipt#STORED} after its group's
     * commit, {@link Receipt#SPILLED} after the spill journal was fsynced.
     *
     * @throws dev.tally.audit.store.StoreException when it could be neither stored nor spilled
     */
    public Receipt openAndWait(CallOpening opening) throws InterruptedException {
        return writer.submitAndWait(JournalOp.open(opening));
    }

    /** Like {@link #openAndWait}, for an entry. */
    public Receipt recordAndWait(AuditEntry entry) throws InterruptedException {
        return writer.submitAndWait(JournalOp.append(entry));
    }

    /**
     * Like {@link #recordAndWait(AuditEntry)}, with the call's kept payload in the record's batch
     * (dropped, never the record, when the record is spilled). A null payload records the entry alone.
     */
    public Receipt recordAndWait(AuditEntry entry, StoredPayload payload) throws InterruptedException {
        if (payload != null && !payload.callId().equals(entry.id())) {
            throw new IllegalArgumentException("payload call_id: " + payload.callId()
                    + " (expected: the record's id " + entry.id() + ")");
        }
        return payload == null ? recordAndWait(entry) : writer.submitAndWait(JournalOp.append(entry), payload);
    }

    /**
     * Applies an admin change and appends its event in one store transaction, after everything
     * queued before; returns when it is committed.
     *
     * @throws IllegalArgumentException when the store rejects the change (duplicate name, unknown key)
     * @throws dev.tally.audit.store.StoreException when the store cannot be written; the change did not happen
     */
    public void commitChange(AdminChange change, AdminEvent event) throws InterruptedException {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(event, "event");
        writer.commitChange(change, event);
    }

    /**
     * Applies {@code changes} and appends their {@code events} (one per change, in the same order)
     * in one store transaction, after everything queued before; returns when it is committed. All
     * or nothing: when the store rejects one change or cannot be written, none happened. For many
     * changes of one kind at once (a re-pricing run's cost adjustments), where a transaction per
     * change would cost a commit each.
     *
     * @throws IllegalArgumentException when the lists differ in size, are empty, or the store rejects a change
     * @throws dev.tally.audit.store.StoreException when the store cannot be written; nothing happened
     */
    public void commitChanges(List<AdminChange> changes, List<AdminEvent> events) throws InterruptedException {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(events, "events");
        if (changes.isEmpty() || changes.size() != events.size()) {
            throw new IllegalArgumentException("changes: " + changes.size() + ", events: " + events.size()
                    + " (expected: as many events as changes, at least one)");
        }
        writer.commitChanges(changes, events);
    }

    /**
     * Rotates the signing key, after everything handed over before is committed: a new Ed25519
     * pair replaces the key file (and {@code signing.pub} beside it), and the head at the current
     * seq, signed by the old key, announces the new public key ({@code next_key}), so a verifier that
     * pinned the old key trusts the new one from there on. The old private key is deleted.
     *
     * @throws dev.tally.audit.store.StoreException when the store cannot be written; nothing was rotated
     * @throws java.io.UncheckedIOException when the new key cannot be written beside the key file
     * @throws IllegalStateException when the chain signs v1 heads, which cannot announce a key
     */
    public KeyRotated rotateSigningKey() throws InterruptedException {
        return writer.rotateSigningKey();
    }

    /**
     * Prunes entries before {@code before}, leaving a signed anchor and a retention_run event in
     * one transaction. Returns the anchor, or empty when no entry is old enough. The rollup digest
     * the anchor signs is computed on the calling thread, from one snapshot of the store taken
     * after everything handed over before this call is durable; the writer thread only checks that
     * no entry committed since changes what is pruned, so records keep being committed meanwhile.
     *
     * @throws dev.tally.audit.store.StoreException when the store cannot be written
     */
    public Optional<SignedHead> prune(Instant before, String actor) throws InterruptedException {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(actor, "actor");
        return writer.prune(before, actor);
    }

    /**
     * Waits until everything enqueued before this call is durable: committed, or (when the store
     * is failing) fsynced to the spill journal.
     *
     * @throws dev.tally.audit.store.StoreException when the store fails and the journal cannot be
     *     written either: some writes are only in memory (they are written as soon as the disk allows)
     */
    public void flush() throws InterruptedException {
        writer.flush();
    }

    /** A snapshot of the counters. */
    public RecorderStats stats() {
        return writer.stats();
    }

    /**
     * Whether store commits succeed now: the writer's last commit attempt succeeded. After a failure
     * the writer retries by itself (replaying the spill journal, or probing the store with an
     * idempotent write when nothing is spilled) with backoff from 50 ms to 1 s, so this turns true
     * again without new traffic about a second after the store is back.
     */
    public boolean storeHealthy() {
        return writer.storeHealthy();
    }

    /**
     * Whether a write handed over now can be made durable: false when neither the store nor the
     * journal can take it (the store failing, and the journal full, failing or within 64 KiB of
     * {@code journal_max_bytes}). A gateway in {@link WhenUnrecordable#REFUSE} refuses new calls while
     * it is false. It turns true by itself: the writer retries the store, and the journal probes
     * its disk for space, at least once a second.
     */
    public boolean recordable() {
        return writer.recordable();
    }

    /** Counts one call refused because {@link #recordable()} was false (in {@link RecorderStats#refusedUnrecordable()}). */
    public void countRefused() {
        writer.countRefused();
    }

    /** What the gateway does with new calls while nothing can record them ({@link RecorderConfig#whenUnrecordable()}). */
    public WhenUnrecordable whenUnrecordable() {
        return config.whenUnrecordable();
    }

    /** This recorder's chain id. */
    public String chain() {
        return config.chain();
    }

    /** Bytes of a torn tail cut from the spill journal when this recorder started (0: intact). */
    public long journalTailBytesCut() {
        return writer.journalTailBytesCut();
    }

    /** The public signing key, base64 X.509, as exported to auditors. */
    public String publicKeyBase64() {
        return writer.signingKeys().publicKeyBase64();
    }

    /**
     * Drains the queue into the store as far as it takes writes, fsyncs the rest into the spill
     * journal where the disk allows, writes a final checkpoint when everything reached the store,
     * and stops the writer. Returns within {@code timeout} whatever the store or disk do (it never
     * waits for the writer beyond it), with how many writes were stored, journaled, or not made
     * durable at all. Idempotent: later calls return the first result. Writes handed over
     * afterwards are counted as lost.
     */
    public CloseResult close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        CloseResult result = writer.close(timeout);
        if (result.notDurable() > 0) {
            LOG.log(Level.ERROR, "audit chain {0}: closed with {1} writes not durable (neither stored nor in the"
                    + " journal)", config.chain(), Long.toString(result.notDurable()));
        }
        return result;
    }

    /** {@link #close(Duration)} with 30 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
