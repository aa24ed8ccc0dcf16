package dev.tally.audit.recorder.internal;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.store.AuditStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Replays the spill journal into the store, in journal order, chunk by chunk: each chunk is
 * chained after the head and committed in one transaction, then marked replayed.
 *
 * <p>Writes the store already holds are skipped: an entry whose id is stored, an opening marker
 * whose call is stored or whose marker is already there. They exist when a process died after
 * committing a chunk but before emptying the journal, or when a commit reported a failure although
 * it happened. A write the store rejects outright is counted as lost and logged by id.
 *
 * <p>Not thread-safe: used by the writer thread (or by start, before the thread exists).
 */
final class Replayer {

    private static final System.Logger LOG = System.getLogger(Replayer.class.getName());

    private final AuditStore store;
    private final String chain;
    private final SpillJournal journal;
    private final ChainCursor cursor;
    private final Counters counters;
    private final int chunkSize;
    private final Consumer<ChainCursor.Built> commit;

    Replayer(AuditStore store, String chain, SpillJournal journal, ChainCursor cursor, Counters counters,
            int chunkSize, Consumer<ChainCursor.Built> commit) {
        this.store = store;
        this.chain = chain;
        this.journal = journal;
        this.cursor = cursor;
        this.counters = counters;
        this.chunkSize = chunkSize;
        this.commit = commit;
    }

    /**
     * Replays until the journal has no pending record. Throws what the store throws (then the
     * chunk that failed stays in the journal).
     */
    void replayAll() {
        while (!replay(Integer.MAX_VALUE)) {
            // more records were appended while replaying
        }
    }

    /** Replays at most {@code maxChunks} chunks; returns whether nothing is pending any more. */
    boolean replay(int maxChunks) {
        Set<String> openIds = null;
        for (int i = 0; i < maxChunks; i++) {
            SpillJournal.Chunk chunk = read();
            if (chunk.records() == 0) {
                return true;
            }
            if (!cursor.loaded()) {
                cursor.load(store);
            }
            if (openIds == null) {
                openIds = new HashSet<>();
                for (CallOpening marker : store.openings(chain)) {
                    openIds.add(marker.id());
                }
            }
            List<JournalOp> fresh = new ArrayList<>(chunk.ops().size());
            for (JournalOp op : chunk.ops()) {
                boolean stored = store.entry(op.entry().id()).isPresent()
                        || (op.op() == JournalOp.Type.OPEN && openIds.contains(op.entry().id()));
                if (!stored) {
                    fresh.add(op);
                }
            }
            commitAll(fresh);
            for (JournalOp op : fresh) {
                if (op.op() == JournalOp.Type.OPEN) {
                    openIds.add(op.entry().id());
                }
            }
            journal.markReplayed(chunk);
            counters.replayed.addAndGet(fresh.size());
            if (chunk.rejected() > 0) {
                counters.journalRejected.addAndGet(chunk.rejected());
                LOG.log(Level.ERROR, "audit: spill journal {0}: refused {1} records that fail their MAC or order check"
                        + " (injected, edited, reordered or duplicated); they are never chained", journal.path(),
                        Integer.toString(chunk.rejected()));
            }
        }
        return !journal.hasPending();
    }

    private SpillJournal.Chunk read() {
        try {
            return journal.read(chunkSize);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private void commitAll(List<JournalOp> ops) {
        if (ops.isEmpty()) {
            return;
        }
        try {
            commit.accept(build(ops));
        } catch (IllegalArgumentException rejected) {
            for (JournalOp op : ops) {
                try {
                    commit.accept(build(List.of(op)));
                } catch (IllegalArgumentException e) {
                    counters.lost.incrementAndGet();
                    LOG.log(Level.ERROR, "audit: the store rejects spilled entry " + op.entry().id() + ": LOST ("
                            + LogLimiter.describe(e) + ")");
                }
            }
        }
    }

    private ChainCursor.Built build(List<JournalOp> ops) {
        List<CallOpening> openings = new ArrayList<>();
        List<AuditEntry> entries = new ArrayList<>();
        for (JournalOp op : ops) {
            switch (op.op()) {
                case OPEN -> openings.add(op.opening());
                case APPEND -> entries.add(op.entry());
            }
        }
        return cursor.build(openings, entries, List.of(), false);
    }
}
