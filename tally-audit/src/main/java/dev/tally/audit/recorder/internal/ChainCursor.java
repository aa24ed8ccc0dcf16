package dev.tally.audit.recorder.internal;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.WriteBatch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer's position in its chain: the last committed seq and hash, and the seq of the last
 * checkpoint. {@link #build} places entries after the head without moving it; only
 * {@link #accept}, called after the store committed, moves it. So a failed commit leaves the head
 * where it was and the next batch reuses those seqs and hashes.
 *
 * <p>Not thread-safe: owned by the writer thread.
 */
final class ChainCursor {

    /** A batch ready to commit and where the head will be once it is committed. */
    record Built(WriteBatch batch, long seq, String hash, long checkpointSeq) {
    }

    private final String chain;
    private final SigningKeys keys;
    private final Clock clock;
    private final int checkpointEvery;
    private boolean loaded;
    private long seq;
    private String hash;
    private long lastCheckpointSeq;

    ChainCursor(String chain, SigningKeys keys, Clock clock, int checkpointEvery) {
        this.chain = chain;
        this.keys = keys;
        this.clock = clock;
        this.checkpointEvery = checkpointEvery;
    }

    /** Reads the head from the store: the truth after a failure whose outcome is unknown. */
    void load(AuditStore store) {
        ChainHead head = store.head(chain);
        List<SignedHead> checkpoints = store.checkpoints(chain);
        seq = head.seq();
        hash = head.hash();
        lastCheckpointSeq = checkpoints.isEmpty() ? 0 : checkpoints.getLast().seq();
        loaded = true;
    }

    /** Forgets the head, so it is read again before the next commit. */
    void invalidate() {
        loaded = false;
    }

    boolean loaded() {
        return loaded;
    }

    long seq() {
        return seq;
    }

    long lastCheckpointSeq() {
        return lastCheckpointSeq;
    }

    /**
     * Chains {@code entries} after the head into a batch with {@code openings} and {@code changes};
     * adds a signed checkpoint at every entry that is {@code checkpointEvery} entries after the
     * previous checkpoint, and one at the batch's last entry when {@code forceCheckpoint} and the
     * head moved since the last one.
     */
    Built build(List<CallOpening> openings, List<AuditEntry> entries, List<AdminChange> changes,
            boolean forceCheckpoint) {
        return build(openings, entries, null, changes, forceCheckpoint);
    }

    /**
     * Like {@link #build(List, List, List, boolean)}, with the entries' canonical bytes where they
     * were computed already ({@code bodies} parallel to {@code entries}, null elements computed here).
     */
    Built build(List<CallOpening> openings, List<AuditEntry> entries, List<byte[]> bodies, List<AdminChange> changes,
            boolean forceCheckpoint) {
        if (!loaded) {
            throw new IllegalStateException("chain head of " + chain + " is not loaded");
        }
        long at = seq;
        String last = hash;
        long checkpointSeq = lastCheckpointSeq;
        List<ChainedEntry> chained = new ArrayList<>(entries.size());
        List<SignedHead> checkpoints = new ArrayList<>(1);
        for (int i = 0; i < entries.size(); i++) {
            AuditEntry entry = entries.get(i);
            byte[] body = bodies == null ? null : bodies.get(i);
            if (body == null) {
                body = EntryHasher.canonicalBytes(entry);
            }
            at++;
            ChainedEntry placed = new ChainedEntry(chain, at, last, EntryHasher.hash(chain, at, last, body), entry, body);
            chained.add(placed);
            last = placed.hash();
            if (at - checkpointSeq >= checkpointEvery) {
                checkpoints.add(keys.sign(SignedHead.Purpose.CHECKPOINT, chain, at, last, clock.instant()));
                checkpointSeq = at;
            }
        }
        if (forceCheckpoint && at > checkpointSeq) {
            checkpoints.add(keys.sign(SignedHead.Purpose.CHECKPOINT, chain, at, last, clock.instant()));
            checkpointSeq = at;
        }
        return new Built(new WriteBatch(chain, openings, chained, changes, checkpoints), at, last, checkpointSeq);
    }

    /** Moves the head after {@code built} was committed. */
    void accept(Built built) {
        seq = built.seq();
        hash = built.hash();
        lastCheckpointSeq = built.checkpointSeq();
    }
}
