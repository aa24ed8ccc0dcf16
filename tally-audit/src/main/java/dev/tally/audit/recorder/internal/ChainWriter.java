package dev.tally.audit.recorder.internal;

import dev.tally.audit.recorder.Receipt;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.StoredPayload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The commit path of the writer thread: chains batches after the head and commits them; on a
 * store failure spills the batch (before anything already spilled) and backs off; while spilling,
 * moves new writes into the journal and replays it when the backoff allows. See
 * {@link AuditWriter} for the design.
 *
 * <p>Not thread-safe: owned by the writer thread (and by start, before the thread exists).
 */
final class ChainWriter {

    private static final System.Logger LOG = System.getLogger(ChainWriter.class.getName());
    static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * At most this long between two attempts while the store fails: with the journal's space probe
     * on every loop, the recorder is writing again within about a second of space returning.
     */
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Journal chunks replayed per loop when not forced, so control ops are not starved. */
    private static final int REPLAY_CHUNKS_PER_LOOP = 16;

    private final AuditStore store;
    private final RecorderConfig config;
    private final SpillJournal journal;
    private final Ingress ingress;
    private final ChainCursor cursor;
    private final Counters counters;
    private final Replayer replayer;
    private final LogLimiter limiter;
    private long failuresSinceHealthy;
    private long backoffNanos = MIN_BACKOFF_NANOS;
    private long nextRetryNanos;
    private java.util.function.Consumer<dev.tally.audit.chain.SignedHead> headListener = head -> { };

    ChainWriter(AuditStore store, RecorderConfig config, SpillJournal journal, Ingress ingress, ChainCursor cursor,
            Counters counters, LogLimiter limiter) {
        this.limiter = limiter;
        this.store = store;
        this.config = config;
        this.journal = journal;
        this.ingress = ingress;
        this.cursor = cursor;
        this.counters = counters;
        this.replayer = new Replayer(store, config.chain(), journal, cursor, counters, config.batchSize(),
                this::commitBuilt);
    }

    /** Who hears of each head once it is committed (called on this thread; must not block). */
    void headListener(java.util.function.Consumer<dev.tally.audit.chain.SignedHead> listener) {
        this.headListener = listener;
    }

    ChainCursor cursor() {
        return cursor;
    }

    /** Nanoseconds until the next replay attempt may run (at least 1). */
    long retryDelayNanos() {
        return Math.max(1, nextRetryNanos - System.nanoTime());
    }

    /** At start: replays the whole journal; throws what the store throws. */
    void replayAtStart() {
        ingress.startSpilling();
        replayer.replayAll();
        finishSpilling();
    }

    /** Commits a batch taken off the queue and answers its waiters; spills it when the store fails. */
    void commitData(List<DataOp> batch) {
        try {
            List<dev.tally.audit.entry.CallOpening> openings = new ArrayList<>();
            List<dev.tally.audit.entry.AuditEntry> entries = new ArrayList<>(batch.size());
            List<byte[]> bodies = new ArrayList<>(batch.size());
            List<StoredPayload> payloads = new ArrayList<>();
            for (DataOp op : batch) {
                if (op.payload() != null) {
                    payloads.add(op.payload());
                }
                switch (op.op().op()) {
                    case OPEN -> openings.add(op.op().opening());
                    case APPEND -> {
                        entries.add(op.op().entry());
                        bodies.add(op.body());
                    }
                }
            }
            counters.inFlightCount = batch.size();
            ensureHead();
            commitBuilt(cursor.build(openings, entries, bodies, List.of(), false), payloads);
            batch.forEach(op -> op.complete(Receipt.STORED));
        } catch (IllegalArgumentException e) {
            commitOneByOne(batch, e);
        } catch (RuntimeException e) {
            storeFailed(e);
            ingress.spillFailedBatch(batch);
        } finally {
            counters.inFlightSince = 0;
            counters.inFlightCount = 0;
        }
    }

    /**
     * The store rejected the batch as a whole (a write breaks a constraint, e.g. an entry id used
     * twice): commit the writes one by one so one bad write cannot block the rest. A rejected write
     * can never be stored; it is counted as lost and logged with its id.
     */
    private void commitOneByOne(List<DataOp> batch, IllegalArgumentException cause) {
        LOG.log(Level.WARNING, "audit: the store rejected a batch of {0} ({1}); committing one by one",
                batch.size(), cause.getMessage());
        for (int i = 0; i < batch.size(); i++) {
            DataOp op = batch.get(i);
            JournalOp write = op.op();
            try {
                commitAlone(op);
                op.complete(Receipt.STORED);
            } catch (IllegalArgumentException rejected) {
                counters.lost.incrementAndGet();
                LOG.log(Level.ERROR, "audit: the store rejects entry " + write.entry().id() + ": LOST ("
                        + LogLimiter.describe(rejected) + ")");
                op.fail(rejected);
            } catch (RuntimeException e) {
                storeFailed(e);
                ingress.spillFailedBatch(batch.subList(i, batch.size()));
                return;
            }
        }
    }

    /**
     * Commits one write with its payload; if the store rejects the pair, once more without the
     * payload, so a bad payload can never cost the record (the payload is dropped and counted).
     */
    private void commitAlone(DataOp op) {
        JournalOp write = op.op();
        boolean open = write.op() == JournalOp.Type.OPEN;
        List<dev.tally.audit.entry.CallOpening> openings = open ? List.of(write.opening()) : List.of();
        List<dev.tally.audit.entry.AuditEntry> entries = open ? List.of() : List.of(write.entry());
        if (op.payload() != null) {
            try {
                commitBuilt(cursor.build(openings, entries, List.of(), false), List.of(op.payload()));
                return;
            } catch (IllegalArgumentException rejected) {
                counters.payloadsDropped.incrementAndGet();
                LOG.log(Level.ERROR, "audit: the store rejects the payload of " + write.entry().id()
                        + "; storing the record without it (" + LogLimiter.describe(rejected) + ")");
            }
        }
        commitBuilt(cursor.build(openings, entries, List.of(), false));
    }

    /** Reads the head from the store when it is not known (at start, after a failed commit). */
    void ensureHead() {
        if (!cursor.loaded()) {
            cursor.load(store);
        }
    }

    /** Commits a built batch and moves the head; throws what the store throws. */
    void commitBuilt(ChainCursor.Built built) {
        commitBuilt(built, List.of());
    }

    /** Commits a built batch together with the payloads of its call records. */
    void commitBuilt(ChainCursor.Built built, List<StoredPayload> payloads) {
        store.commit(built.batch().withPayloads(payloads));
        cursor.accept(built);
        counters.committed.addAndGet(built.batch().entries().size() + built.batch().openings().size());
        counters.headSeq = built.seq();
        healthy("head seq " + built.seq());
        for (dev.tally.audit.chain.SignedHead head : built.batch().checkpoints()) {
            try {
                headListener.accept(head);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "audit: the head listener failed on the head of " + head.chain() + " at seq "
                        + head.seq() + "; the head is committed", e);
            }
        }
    }

    private void healthy(String where) {
        if (!counters.storeHealthy) {
            limiter.reset("store");
            LOG.log(Level.INFO, "audit store writable again (chain {0}, {1}) after {2} failed attempts",
                    config.chain(), where, Long.toString(failuresSinceHealthy));
        }
        failuresSinceHealthy = 0;
        counters.storeHealthy = true;
        backoffNanos = MIN_BACKOFF_NANOS;
    }

    /** Counts a failed store write, forgets the head (the commit may have happened) and backs off. */
    void storeFailed(RuntimeException e) {
        counters.storeErrors.incrementAndGet();
        failuresSinceHealthy++;
        limiter.log("store", Level.WARNING, 1, "audit store commit failed (" + LogLimiter.describe(e) + "); spilling to "
                + journal.path() + " and retrying every " + TimeUnit.NANOSECONDS.toMillis(MAX_BACKOFF_NANOS)
                + " ms at most");
        counters.storeHealthy = false;
        cursor.invalidate();
        nextRetryNanos = System.nanoTime() + backoffNanos;
        backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
    }

    /**
     * One step while spilling: moves the queue into the journal, syncs it, and (when the backoff
     * allows, or {@code force}) replays it into the store. Returns true when spilling ended.
     */
    boolean spillStep(boolean force) {
        ingress.moveQueue();
        syncJournal();
        if (!force && System.nanoTime() - nextRetryNanos < 0) {
            return false;
        }
        return replayUntil(force ? Long.MAX_VALUE : 0, force ? Integer.MAX_VALUE : REPLAY_CHUNKS_PER_LOOP);
    }

    /**
     * Replays up to {@code maxChunks} chunks, or until {@code deadlineNanos} (nanoTime; 0 = none)
     * when that is later than now; returns true when the journal was drained and spilling ended.
     * A journal that cannot be read backs off like a failing store (logged once per interval),
     * so replay resumes by itself once the cause is gone.
     */
    private boolean replayUntil(long deadlineNanos, int maxChunks) {
        try {
            boolean drained;
            if (deadlineNanos == 0 || deadlineNanos == Long.MAX_VALUE) {
                drained = replayer.replay(maxChunks);
                while (!drained && deadlineNanos == Long.MAX_VALUE) {
                    drained = replayer.replay(maxChunks);
                }
            } else {
                drained = replayer.replay(1);
                while (!drained && System.nanoTime() - deadlineNanos < 0) {
                    drained = replayer.replay(1);
                }
            }
            return drained && finishSpilling();
        } catch (UncheckedIOException e) {
            limiter.log("journal-read", Level.ERROR, 1, "audit: spill journal " + journal.path() + " cannot be replayed"
                    + " (" + LogLimiter.describe(e) + "); writes keep going to it, retrying");
            nextRetryNanos = System.nanoTime() + MAX_BACKOFF_NANOS;
            return false;
        } catch (RuntimeException e) {
            storeFailed(e);
            return false;
        }
    }

    /** Like {@code spillStep(true)}, but gives up at {@code deadlineNanos}; true when spilling ended. */
    boolean spillStepUntil(long deadlineNanos) {
        ingress.moveQueue();
        syncJournal();
        return replayUntil(deadlineNanos, Integer.MAX_VALUE);
    }

    private boolean finishSpilling() {
        try {
            return ingress.finishSpilling();
        } catch (IOException e) {
            throw new UncheckedIOException("spill journal " + journal.path() + " cannot be emptied: " + e.getMessage(), e);
        }
    }

    /**
     * When the last store write failed but nothing is spilled (an admin change failed, or the
     * head could not be read), nothing else would ever try the store again, and a sync-mode
     * gateway that refuses calls while the store is unhealthy would stay refusing. So, with the
     * same backoff, the writer probes the store with an idempotent write ({@code probe}, the
     * signing key registration) until it succeeds.
     */
    void probeIfUnhealthy(Runnable probe) {
        if (counters.storeHealthy || ingress.spilling() || System.nanoTime() - nextRetryNanos < 0) {
            return;
        }
        try {
            probe.run();
            healthy("probe");
        } catch (RuntimeException e) {
            storeFailed(e);
        }
    }

    /** Commits everything queued now (or moves it to the journal when spilling). */
    void drainQueue() {
        int budget = ingress.depth();
        while (budget > 0) {
            List<DataOp> batch = ingress.take(config.batchSize());
            if (batch.isEmpty()) {
                return;
            }
            budget -= batch.size();
            commitData(batch);
        }
    }

    /** Everything queued before is in the store; false when the store is not usable. */
    boolean settle() {
        drainQueue();
        return !ingress.spilling() || spillStep(true);
    }

    /**
     * Like {@link #settle()}, but stops committing at {@code deadlineNanos}: what is left then is
     * moved into the journal. Returns whether everything is in the store.
     */
    boolean settleUntil(long deadlineNanos) {
        int budget = ingress.depth();
        while (budget > 0 && !ingress.spilling() && System.nanoTime() - deadlineNanos < 0) {
            List<DataOp> batch = ingress.take(config.batchSize());
            if (batch.isEmpty()) {
                break;
            }
            budget -= batch.size();
            commitData(batch);
        }
        if (!ingress.spilling() && ingress.depth() == 0) {
            return true;
        }
        ingress.startSpilling();
        return System.nanoTime() - deadlineNanos < 0 && spillStepUntil(deadlineNanos);
    }

    void syncJournal() {
        boolean wasAccepting = journal.accepting();
        try {
            journal.sync();
            limiter.reset("journal-sync");
            if (!wasAccepting && journal.accepting() && !counters.storeHealthy) {
                // The journal's disk took a write again: space came back, and the store most often
                // lives on the same filesystem. Retry it now rather than at the end of a backoff
                // that grew to a second during the outage.
                nextRetryNanos = System.nanoTime();
                backoffNanos = MIN_BACKOFF_NANOS;
            }
        } catch (IOException e) {
            limiter.log("journal-sync", Level.ERROR, journal.unforcedRecords(), "audit: spill journal " + journal.path()
                    + " cannot be written (" + LogLimiter.describe(e) + "); " + journal.unforcedRecords()
                    + " records wait in memory, retrying");
        }
    }
}
