package dev.tally.audit.recorder.internal;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.files.PrivateFiles;
import dev.tally.audit.recorder.CloseResult;
import dev.tally.audit.recorder.Receipt;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.recorder.RecorderStats;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The one thread that writes a chain: it numbers and hashes entries, commits them in groups,
 * spills what the store refuses, replays the spill, signs checkpoints and applies admin changes.
 *
 * <h2>Design</h2>
 * A proxied call must never wait for its audit record, yet no record may be lost and the chain
 * must stay gap-free. So the work is split in two. Callers only hand writes over ({@link Ingress}:
 * a bounded lock-free queue, well under a microsecond, no store access, no lock). This thread alone owns the chain
 * head ({@link ChainCursor}): it takes whatever accumulated, up to {@code batch_size}, gives each
 * entry the next seq and a hash over the previous one, and commits the whole group in one store
 * transaction. Because seq and hash are assigned by one thread from the store's committed head,
 * there is no gap and no fork, and a failed commit is undone by simply not moving the head: the
 * next attempt reuses the same seqs.
 *
 * <p>Grouping is what makes this fast and what makes sync mode affordable. When the queue holds
 * fewer than a batch the thread sleeps up to {@code flush_interval}; a caller that waits
 * (sync mode, flush, admin change) wakes it at once, and everything that arrived during the
 * previous commit rides along in the next one, so many waiters share one fsync. While this thread
 * waits for a commit, an {@link AheadEncoder} computes the canonical bytes of the next entries on
 * another core, so the thread itself mostly hashes and writes.
 *
 * <p>When the store fails, the failed group goes to the {@link SpillJournal} (fsynced before any
 * waiter hears {@code SPILLED}) and from then on every write goes there too, until the journal is
 * replayed into the store in order and emptied; the thread retries with exponential backoff
 * (50 ms to 1 s, so it is writing again about a second after the store or the disk recovers).
 * Journal records carry no seq: the chain is assigned at replay, so the chain never
 * has a hole where the store was down. A full queue spills the same way. Admin changes never
 * spill: they need the store now, so they fail and the change does not happen. Health is "the
 * last store write succeeded"; when a failed write left nothing spilled to retry, the thread probes
 * the store with an idempotent write on the same backoff, so health comes back by itself.
 *
 * <p>When the journal cannot be written either (a full disk), a write is "nowhere durable": the
 * caller who waits gets a {@link StoreException} (its records were taken back out of the journal),
 * a fire-and-forget write is counted in {@code lost}, never silently dropped, and
 * {@link #recordable()} is false so a gateway refuses new calls. Records the journal had buffered
 * stay in memory and are written once the disk takes them (see {@link SpillJournal}). Repeated
 * failures are logged through a {@link LogLimiter}: once per 10 s with a count, no stack traces.
 *
 * <p>On start, before the thread runs: the signing key is registered, the chain is resumed from
 * its last signed head and the entries after it are re-verified ({@link ChainResume}; a finding
 * becomes an {@code integrity_alert} event, see {@link IntegrityAlert}), the journal is opened (a
 * torn tail cut and reported), replayed and emptied, and every opening marker still in the store
 * becomes an {@code interrupted} record, so a crash leaves no call without a record.
 *
 * <h2>Signed heads</h2>
 * The thread wakes at least every {@code sign_interval} and commits a signed tree head once the
 * first unsigned entry is that old ({@link ChainCursor#signDue()}), so entries are unsigned for
 * about {@code sign_interval} even without traffic; heads also fall every {@code checkpoint_every}
 * entries and at close. Heads are never spilled: a head signs entries in the store, and spilled
 * writes are not chained yet (the journal's MAC protects them until replay). While the store
 * fails no head can be committed; the unsigned clock keeps running, so once the store is back a
 * head is due at once for entries that waited, and replayed entries are signed within
 * {@code sign_interval} of their commit even while the replay goes on.
 *
 * <h2>Retention</h2>
 * A retention run signs a digest of the rollups it leaves behind, which takes one read of every
 * rollup row of the pruned months: seconds on a large store, during which no record could be
 * committed if this thread did it. So the caller's thread plans the run from a store snapshot and
 * this thread only checks the plan still holds before it commits ({@link Retention}).
 *
 * <h2>What is durable when</h2>
 * "Committed" means what the store promises for a commit (SQLite, {@code synchronous=NORMAL}: in
 * the WAL; it survives a killed process, an OS crash may lose the commits since the WAL's last
 * fsync).
 * <ul>
 *   <li>{@code record}/{@code open} return before anything is durable; the write is committed
 *       within about {@code flush_interval} plus one commit, or spilled. A killed process loses
 *       at most the queue, the group being committed and spilled writes not yet synced (recovery
 *       then closes their calls as interrupted); while spilling, this thread syncs the journal on
 *       every loop, at least every {@code flush_interval}.</li>
 *   <li>{@code recordAndWait}/{@code openAndWait} return STORED after the group's store commit, or
 *       SPILLED after the journal was fsynced.</li>
 *   <li>{@code flush} returns when everything handed over before it is committed or fsynced in the
 *       journal (it tries to replay the journal first); it throws when some are only in memory.</li>
 *   <li>{@code commitChange}/{@code prune} return after the change and its admin event committed
 *       in one transaction, after everything queued before them.</li>
 *   <li>{@code close(timeout)} returns within the timeout: after the queue was committed (or
 *       spilled and fsynced) and a final signed head, marked closed, was committed, or, when the store or
 *       the disk does not allow that in time, with the count of writes not made durable. It never
 *       joins the thread: a writer stuck in a store call is left behind (a daemon).</li>
 * </ul>
 *
 * <p>Thread-safe: the public methods may be called from any thread; all store writes happen on
 * the writer thread, except during {@link #start}, before the thread exists.
 */
public final class AuditWriter {

    private static final System.Logger LOG = System.getLogger(AuditWriter.class.getName());

    /**
     * Fewer writes than this waiting while a batch is committed: the writer keeps up, and the store
     * may pace its commit ({@link AuditStore#pace}). At one connection (about 7,000 calls a
     * second) a few arrive during a commit; at 32, a few tens within its first millisecond. With
     * 64, the paced writer cost the saturated gateway 4-10% of its requests per second in
     * bench/http; with 16, nothing measurable.
     */
    static final int KEEPING_UP_DEPTH = 16;

    private final AuditStore store;
    private final RecorderConfig config;
    private final Clock clock;
    private volatile SigningKeys keys; // replaced by a rotation, on the writer thread
    private final SpillJournal journal;
    private final Counters counters = new Counters();
    private final LogLimiter limiter = new LogLimiter(LOG);
    private final Ingress ingress;
    private final ChainCursor cursor;
    private final ChainWriter writer;
    private final AheadEncoder encoder;
    private final IdSource ids;
    private final Retention retention;
    private final long flushNanos;
    private Thread thread;
    private boolean stopped; // writer thread only
    private CloseResult closeResult; // guarded by this

    private AuditWriter(AuditStore store, RecorderConfig config, Clock clock, SigningKeys keys, SpillJournal journal,
            Consumer<SignedHead> headListener) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.keys = keys;
        this.journal = journal;
        this.ingress = new Ingress(config.queueCapacity(), config.batchSize(), journal, counters, limiter);
        this.cursor = new ChainCursor(config.chain(), keys, clock, config.checkpointEvery(), config.signInterval());
        this.writer = new ChainWriter(store, config, journal, ingress, cursor, counters, limiter);
        this.writer.headListener(headListener);
        this.encoder = new AheadEncoder(ingress, 2 * config.batchSize(), config.flushInterval().toNanos(),
                config.chain());
        this.ids = new IdSource(clock, new SecureRandom());
        this.retention = new Retention(store, config.chain(), cursor, ids, clock);
        this.flushNanos = Math.min(config.flushInterval().toNanos(), config.signInterval().toNanos());
        store.pace(() -> ingress.depth() < KEEPING_UP_DEPTH);
    }

    /**
     * Loads or creates the signing keys and registers the public key, opens the spill journal
     * (cutting a torn tail), replays it into the store, closes every surviving opening marker as
     * an interrupted call, then starts the writer thread. Returns when the thread runs.
     *
     * @throws StoreException when the store cannot be read or written: recovery needs it
     * @throws UncheckedIOException when the data dir, keys or journal cannot be used
     */
    public static AuditWriter start(AuditStore store, RecorderConfig config, Clock clock) {
        return start(store, config, clock, head -> { }, JournalFile.channels());
    }

    /** Like {@link #start(AuditStore, RecorderConfig, Clock)}; {@code headListener} hears of each committed head. */
    public static AuditWriter start(AuditStore store, RecorderConfig config, Clock clock,
            Consumer<SignedHead> headListener) {
        return start(store, config, clock, headListener, JournalFile.channels());
    }

    /**
     * Like {@link #start(AuditStore, RecorderConfig, Clock, Consumer)}, the spill journal written
     * through {@code files} (the seam fault-injection tests use).
     */
    public static AuditWriter start(AuditStore store, RecorderConfig config, Clock clock,
            Consumer<SignedHead> headListener, JournalFile.Opener files) {
        SigningKeys keys;
        SpillJournal journal;
        try {
            PrivateFiles.createDirectories(config.dataDir());
            KeyRotation.recover(config.signingKeyPath(), store, config.chain());
            keys = SigningKeys.loadOrCreateFile(config.signingKeyPath());
            JournalKey journalKey = JournalKey.loadOrCreate(journalKeyDir(config), new SecureRandom());
            journal = SpillJournal.open(config.dataDir().resolve(SpillJournal.FILE_NAME), journalKey,
                    config.journalMaxBytes(), files);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        AuditWriter writer = new AuditWriter(store, config, clock, keys, journal, headListener);
        try {
            writer.recover();
        } catch (RuntimeException e) {
            closeQuietly(journal);
            throw e;
        }
        writer.thread = Thread.ofPlatform().name("tally-audit-writer-" + config.chain()).daemon(true)
                .unstarted(writer::run);
        writer.ingress.writerThread(writer.thread);
        writer.thread.start();
        writer.encoder.start();
        return writer;
    }

    /** The journal key lives beside the signing key, never in the journal. */
    private static java.nio.file.Path journalKeyDir(RecorderConfig config) {
        return config.signingKeyPath().toAbsolutePath().getParent();
    }

    private void recover() {
        store.registerSigningKey(keys.keyId(), keys.publicKeyBase64());
        ChainResume.Result resumed = cursor.load(store);
        if (!resumed.problems().isEmpty()) {
            IntegrityAlert.record(resumed, config.chain(), ids, clock, writer, cursor);
        }
        ChainCursor.Built reopen = cursor.buildReopen();
        if (reopen != null) {
            writer.commitBuilt(reopen);
        }
        if (journal.hasPending()) {
            long pending = journal.pendingRecords();
            writer.replayAtStart();
            LOG.log(Level.INFO, "audit chain {0}: replayed {1} spilled writes from {2}", config.chain(),
                    Long.toString(pending), journal.path());
        }
        List<CallOpening> openings = store.openings(config.chain());
        if (!openings.isEmpty()) {
            List<AuditEntry> interrupted = new ArrayList<>(openings.size());
            openings.forEach(marker -> interrupted.add(InterruptedCalls.close(marker)));
            writer.commitBuilt(cursor.build(List.of(), interrupted, List.of(), false));
            LOG.log(Level.WARNING, "audit chain {0}: {1} calls were in flight when the gateway stopped; recorded"
                    + " as interrupted", config.chain(), Integer.toString(openings.size()));
        }
        counters.headSeq = cursor.seq();
    }

    // ---- caller side ----

    /** Hands a write over; never blocks, never throws. */
    public void submit(JournalOp op) {
        ingress.submit(new DataOp(op, System.nanoTime(), null));
    }

    /** Hands a write over with the payload of the call record it appends; never blocks, never throws. */
    public void submit(JournalOp op, StoredPayload payload) {
        ingress.submit(new DataOp(op, System.nanoTime(), null, payload));
    }

    /** Payloads dropped because their record was spilled. */
    public long payloadsDropped() {
        return counters.payloadsDropped.get();
    }

    /** Hands a write over and waits until it is stored or spilled. */
    public Receipt submitAndWait(JournalOp op) throws InterruptedException {
        return submitAndWait(op, null);
    }

    /** Hands a write over with its call record's payload (or null) and waits until it is stored or spilled. */
    public Receipt submitAndWait(JournalOp op, StoredPayload payload) throws InterruptedException {
        CompletableFuture<Receipt> done = new CompletableFuture<>();
        ingress.submit(new DataOp(op, System.nanoTime(), done, payload));
        return await(done);
    }

    public void commitChange(AdminChange change, AdminEvent event) throws InterruptedException {
        commitChanges(List.of(change), List.of(event));
    }

    /** Commits {@code changes} and their {@code events} (one per change, in order) in one transaction. */
    public void commitChanges(List<AdminChange> changes, List<AdminEvent> events) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ingress.submit(new ControlOp.Change(changes, events, done));
        await(done);
    }

    /** Rotates the signing key after everything queued before: see {@link #rotateNow()}. */
    public dev.tally.audit.recorder.KeyRotated rotateSigningKey() throws InterruptedException {
        CompletableFuture<dev.tally.audit.recorder.KeyRotated> done = new CompletableFuture<>();
        ingress.submit(new ControlOp.Rotate(done));
        return await(done);
    }

    /**
     * A retention run ({@link Retention}): plans it on this thread, from a snapshot taken after
     * everything handed over before is durable, then has the writer check the plan and commit.
     */
    public Optional<SignedHead> prune(Instant before, String actor) throws InterruptedException {
        flush();
        for (int attempt = 1; ; attempt++) {
            CompletableFuture<Retention.Outcome> done = new CompletableFuture<>();
            ingress.submit(new ControlOp.Prune(before, actor, retention.plan(before), attempt >= 2, done));
            switch (await(done)) {
                case Retention.Outcome.Pruned pruned -> {
                    return pruned.anchor();
                }
                case Retention.Outcome.Stale stale -> {
                    // An entry committed after the snapshot may be prunable: plan once more.
                }
            }
        }
    }

    public void flush() throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ingress.submit(new ControlOp.Flush(done));
        await(done);
    }

    /**
     * Drains what it can into the store, fsyncs the rest into the journal, writes a final
     * checkpoint when everything reached the store, and stops the thread; returns within
     * {@code timeout}, never waiting for the writer beyond it. Idempotent: a second call returns
     * the first call's result.
     */
    public synchronized CloseResult close(Duration timeout) {
        if (closeResult != null) {
            return closeResult;
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        long committedBefore = counters.committed.get();
        long lostBefore = counters.lost.get();
        CloseResult result = null;
        boolean interrupted = false;
        if (thread.isAlive()) {
            CompletableFuture<CloseResult> done = new CompletableFuture<>();
            // The writer must answer before our deadline: it stops committing a little earlier.
            long writerDeadline = deadline - Math.min(timeout.toNanos() / 10, TimeUnit.MILLISECONDS.toNanos(500));
            ingress.submit(new ControlOp.Close(writerDeadline, done));
            while (true) {
                try {
                    result = done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException | ExecutionException e) {
                    break;
                }
            }
        }
        ingress.close();
        int stranded = ingress.abandonQueue();
        if (stranded > 0) {
            counters.lost.addAndGet(stranded);
            LOG.log(Level.ERROR, "audit: {0} writes handed over while closing: lost", Integer.toString(stranded));
        }
        if (result == null) {
            // The writer is stuck (a store commit that does not return) or was gone: count, do not wait.
            long notDurable = ingress.depth() + counters.inFlightCount + journal.unforcedRecords()
                    + (counters.lost.get() - lostBefore);
            result = new CloseResult(Math.max(0, counters.committed.get() - committedBefore),
                    Math.max(0, journal.pendingRecords() - journal.unforcedRecords()), notDurable);
            if (thread.isAlive()) {
                LOG.log(Level.ERROR, "audit: the writer of chain {0} did not finish within {1} ms; {2} writes are"
                        + " not durable", config.chain(), Long.toString(timeout.toMillis()), Long.toString(notDurable));
            }
        } else if (stranded > 0) {
            result = new CloseResult(result.stored(), result.journaled(), result.notDurable() + stranded);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        closeResult = result;
        return result;
    }

    /** Whether a write handed over now can be made durable: by the store, or else by the journal. */
    public boolean recordable() {
        return journal.accepting() || (counters.storeHealthy && !ingress.spilling());
    }

    /** Counts a call a gateway refused because {@link #recordable()} was false. */
    public void countRefused() {
        counters.refusedUnrecordable.incrementAndGet();
    }

    public RecorderStats stats() {
        long now = System.nanoTime();
        long oldest = ingress.oldestEnqueuedNanos();
        long inFlight = counters.inFlightSince;
        long since = oldest == 0 ? inFlight : inFlight == 0 ? oldest : Math.min(oldest, inFlight);
        long lag = since == 0 ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(now - since));
        boolean committing = counters.storeHealthy;
        return new RecorderStats(ingress.depth(), counters.committed.get(), counters.spilled.get(),
                counters.replayed.get(), counters.lost.get(), counters.storeErrors.get(), counters.headSeq, lag,
                committing, journal.sizeBytes(), committing, counters.refusedUnrecordable.get(),
                counters.journalRejected.get());
    }

    public boolean storeHealthy() {
        return counters.storeHealthy;
    }

    /** Bytes of a torn journal tail cut at start. */
    public long journalTailBytesCut() {
        return journal.tailBytesCut();
    }

    public SigningKeys signingKeys() {
        return keys;
    }

    // ---- writer thread ----

    private void run() {
        while (!stopped) {
            try {
                ControlOp control = ingress.pollControl();
                if (control != null) {
                    handle(control);
                    continue;
                }
                if (ingress.spilling()) {
                    writer.spillStep(false);
                    if (cursor.signDue()) {
                        signHead(); // replay commits entries too: they are signed like any others
                    }
                    park(Math.min(flushNanos, writer.retryDelayNanos()));
                    continue;
                }
                List<DataOp> batch = ingress.take(config.batchSize());
                if (!batch.isEmpty()) {
                    encoder.wake(); // refill what lies ahead while this batch is committed
                    writer.commitData(batch);
                }
                writer.probeIfUnhealthy(() -> store.probeWrite(keys.keyId(), keys.publicKeyBase64()));
                if (!ingress.spilling() && cursor.signDue()) {
                    signHead();
                }
                if (ingress.depth() < config.batchSize() && !ingress.hasControl()) {
                    park(flushNanos);
                }
            } catch (RuntimeException | Error e) {
                limiter.log("unexpected", Level.ERROR, 1, "audit writer: unexpected failure ("
                        + LogLimiter.describe(e) + "); continuing");
                park(ChainWriter.MAX_BACKOFF_NANOS);
            }
        }
    }

    private static void park(long nanos) {
        LockSupport.parkNanos(nanos);
        // Nobody stops the writer by interrupting it (close() does); a stray interrupt would make
        // every later park return at once and the loop spin.
        Thread.interrupted();
    }

    private void handle(ControlOp control) {
        switch (control) {
            case ControlOp.Flush flush -> {
                writer.settle();
                writer.syncJournal();
                long unforced = journal.unforcedRecords();
                if (unforced > 0) {
                    flush.done().completeExceptionally(new StoreException("audit: " + unforced + " writes are neither"
                            + " stored nor fsynced: the store fails and the spill journal " + journal.path()
                            + " cannot be written; they wait in memory"));
                } else {
                    flush.done().complete(null);
                }
            }
            case ControlOp.Change change -> {
                try {
                    applyChanges(change.changes(), change.events());
                    change.done().complete(null);
                } catch (RuntimeException e) {
                    change.done().completeExceptionally(e);
                }
            }
            case ControlOp.Prune prune -> {
                try {
                    if (!writer.settle()) {
                        throw new StoreException("audit store is not writable: retention did not run");
                    }
                    prune.done().complete(retention.apply(prune, this::applyChange));
                } catch (RuntimeException e) {
                    prune.done().completeExceptionally(e);
                }
            }
            case ControlOp.Rotate rotate -> {
                try {
                    rotate.done().complete(rotateNow());
                } catch (RuntimeException e) {
                    rotate.done().completeExceptionally(e);
                }
            }
            case ControlOp.Close close -> close.done().complete(closeNow(close.deadlineNanos()));
        }
    }

    /** The writer's part of a close: see {@link #close(Duration)}. */
    private CloseResult closeNow(long deadline) {
        ingress.close();
        long committedBefore = counters.committed.get();
        long lostBefore = counters.lost.get();
        try {
            if (writer.settleUntil(deadline)) {
                try {
                    writer.ensureHead();
                    writer.commitBuilt(cursor.buildClose());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "audit: final checkpoint of {0} failed ({1})", config.chain(),
                            LogLimiter.describe(e));
                }
            } else {
                ingress.moveQueue();
                writer.syncJournal();
                LOG.log(Level.WARNING, "audit: closing with {0} writes in the spill journal {1}; they are"
                        + " replayed on the next start", Long.toString(journal.pendingRecords()), journal.path());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "audit: closing chain {0} failed ({1})", config.chain(), LogLimiter.describe(e));
        }
        writer.syncJournal();
        long unforced = journal.unforcedRecords();
        long journaled = Math.max(0, journal.pendingRecords() - unforced);
        closeQuietly(journal);
        encoder.stop();
        stopped = true;
        // Controls queued behind the close: answer them instead of leaving callers waiting.
        ControlOp late;
        while ((late = ingress.pollControl()) != null) {
            late.fail(new IllegalStateException("recorder: closed (expected: open)"));
        }
        long notDurable = unforced + ingress.depth() + (counters.lost.get() - lostBefore);
        return new CloseResult(Math.max(0, counters.committed.get() - committedBefore), journaled, notDurable);
    }

    /** Commits a head over the entries waiting for one ({@code sign_interval} passed); a failure is retried. */
    private void signHead() {
        try {
            writer.ensureHead();
            writer.commitBuilt(cursor.buildHead());
        } catch (RuntimeException e) {
            writer.storeFailed(e);
        }
    }

    /**
     * The writer's part of a key rotation ({@link KeyRotation}): everything before is committed,
     * the next pair is written beside the key file, the store lists its public key, a head signed by
     * the current key announces it, the files are replaced, and from then on the next key signs.
     * Before the announcement commits, a failure leaves the current key in use and nothing rotated.
     */
    private dev.tally.audit.recorder.KeyRotated rotateNow() {
        if (!writer.settle()) {
            throw new StoreException("audit store is not writable: the signing key was not rotated (writes are"
                    + " being spilled to " + journal.path() + ")");
        }
        try {
            return KeyRotation.rotate(store, writer, cursor, config.chain(), config.signingKeyPath());
        } finally {
            keys = cursor.keys(); // the new key once its announcement committed, else still the old one
        }
    }

    private void applyChange(AdminChange change, AdminEvent event) {
        applyChanges(List.of(change), List.of(event));
    }

    private void applyChanges(List<AdminChange> changes, List<AdminEvent> events) {
        if (!writer.settle()) {
            throw new StoreException("audit store is not writable: the change was not applied (writes are"
                    + " being spilled to " + journal.path() + ")");
        }
        try {
            writer.ensureHead();
            writer.commitBuilt(cursor.build(List.of(), List.<dev.tally.audit.entry.AuditEntry>copyOf(events), changes,
                    false));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (StoreException e) {
            writer.storeFailed(e);
            throw e;
        } catch (RuntimeException e) {
            writer.storeFailed(e);
            throw new StoreException("audit store commit failed: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(SpillJournal journal) {
        try {
            journal.close();
        } catch (IOException e) {
            LOG.log(Level.ERROR, "audit: spill journal " + journal.path() + " cannot be closed ("
                    + LogLimiter.describe(e) + ")");
        }
    }

    private static <T> T await(CompletableFuture<T> done) throws InterruptedException {
        try {
            return done.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new StoreException("audit write failed: " + cause.getMessage(), cause);
        }
    }
}
