package dev.tally.audit.recorder.internal;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The writer's position in its chain: the last committed seq and hash, the Merkle tree's
 * {@link MerkleFrontier} there, and the last signed head. {@link #build} places entries after the
 * head without moving it; only {@link #accept}, called after the store committed, moves it. So a
 * failed commit leaves the head where it was and the next batch reuses those seqs and hashes.
 *
 * <h2>Signed heads</h2>
 * A head (purpose CHECKPOINT: tree size = seq, root, the entry hash at seq, prev_head = the
 * previous head's {@link SignedHead#headHash()}) is built every {@code checkpointEvery} entries
 * inside a batch, by {@link #buildHead} once {@link #signDue} (the first unsigned entry is
 * {@code signInterval} old), and by {@link #buildClose} with {@code closed = true}. Never two heads
 * at one seq: a close at a seq that has a head already re-signs that head as closed (same
 * prev_head) and the store replaces it. Every head is committed with the frontier at its seq.
 *
 * <p>When the tree is unknown (a chain pruned by a version without frontiers), heads are signed as
 * v1 heads (no root) and say so at load.
 *
 * <p>Not thread-safe: owned by the writer thread.
 */
final class ChainCursor {

    private static final HexFormat HEX = HexFormat.of();

    /** A batch ready to commit and where the cursor will be once it is committed. */
    record Built(WriteBatch batch, long seq, String hash, long checkpointSeq, MerkleFrontier frontier,
            SignedHead lastHead) {
    }

    private final String chain;
    private SigningKeys keys; // replaced once by a rotation, on this thread
    private final Clock clock;
    private final int checkpointEvery;
    private final Duration signInterval;
    private boolean loaded;
    private long seq;
    private String hash;
    private long lastCheckpointSeq; // the last seq a head or the anchor signed
    private MerkleFrontier frontier; // null: the tree is unknown (v1 heads)
    private SignedHead lastHead; // the last checkpoint, the prev_head of the next one
    private Instant firstUnsignedAt; // when an entry after lastCheckpointSeq was first committed
    private ChainResume.Result lastLoad;

    ChainCursor(String chain, SigningKeys keys, Clock clock, int checkpointEvery, Duration signInterval) {
        this.chain = chain;
        this.keys = keys;
        this.clock = clock;
        this.checkpointEvery = checkpointEvery;
        this.signInterval = signInterval;
    }

    ChainCursor(String chain, SigningKeys keys, Clock clock, int checkpointEvery) {
        this(chain, keys, clock, checkpointEvery, dev.tally.audit.recorder.RecorderConfig.DEFAULT_SIGN_INTERVAL);
    }

    /**
     * Reads the head from the store (the truth after a failure whose outcome is unknown): the last
     * signed head, its frontier, and the entries after it, re-verified (see {@link ChainResume}).
     * Returns what was found, problems included; the cursor continues after the stored head either way.
     */
    ChainResume.Result load(AuditStore store) {
        ChainResume.Result found = ChainResume.resume(store, chain, keys);
        if (lastLoad != null && !found.problems().isEmpty()) {
            // A reload after a failed commit: the start-up check already ran; this is new, and loud.
            System.getLogger(ChainCursor.class.getName()).log(System.Logger.Level.ERROR, "audit chain {0}: reloading"
                    + " the head after a failed commit found: {1}; run `tally verify`", chain,
                    String.join("; ", found.problems()));
        }
        seq = found.seq();
        hash = found.hash();
        frontier = found.frontier();
        lastHead = found.lastHead();
        lastCheckpointSeq = found.signedSeq();
        // A reload after a failed commit keeps when the first unsigned entry was committed: the
        // entries waited for a head while the store failed, so one is due as soon as it is back.
        boolean reload = lastLoad != null && firstUnsignedAt != null;
        firstUnsignedAt = seq <= lastCheckpointSeq ? null : reload ? firstUnsignedAt : clock.instant();
        loaded = true;
        lastLoad = found;
        return found;
    }

    /** What the last {@link #load} found. */
    ChainResume.Result lastLoad() {
        return lastLoad;
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

    /** The Merkle frontier at {@link #seq()} (a copy), or null when the tree is unknown. */
    MerkleFrontier frontier() {
        return frontier == null ? null : frontier.copy();
    }

    /** Whether committed entries have waited {@code signInterval} for a head. */
    boolean signDue() {
        return loaded && firstUnsignedAt != null && seq > lastCheckpointSeq
                && !clock.instant().isBefore(firstUnsignedAt.plus(signInterval));
    }

    /**
     * Chains {@code entries} after the head into a batch with {@code openings} and {@code changes};
     * adds a signed head at every entry that is {@code checkpointEvery} entries after the previous
     * one, and one at the batch's last entry when {@code forceCheckpoint} and the head moved since.
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
        requireLoaded();
        long at = seq;
        String last = hash;
        byte[] lastBytes = entries.isEmpty() ? null : HEX.parseHex(last); // the hex and the bytes move together
        long checkpointSeq = lastCheckpointSeq;
        SignedHead head = lastHead;
        MerkleFrontier tree = frontier == null ? null : frontier.copy();
        List<ChainedEntry> chained = new ArrayList<>(entries.size());
        List<SignedHead> heads = new ArrayList<>(1);
        Map<Long, List<String>> frontiers = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            AuditEntry entry = entries.get(i);
            byte[] body = bodies == null ? null : bodies.get(i);
            if (body == null) {
                body = EntryHasher.canonicalBytes(entry);
            }
            at++;
            lastBytes = EntryHasher.hashBytes(chain, at, lastBytes, body);
            ChainedEntry placed = new ChainedEntry(chain, at, last, HEX.formatHex(lastBytes), entry, body);
            chained.add(placed);
            last = placed.hash();
            if (tree != null) {
                tree.appendEntry(lastBytes);
            }
            if (at - checkpointSeq >= checkpointEvery) {
                head = sign(at, last, tree, head, false, frontiers);
                heads.add(head);
                checkpointSeq = at;
            }
        }
        if (forceCheckpoint && at > checkpointSeq) {
            head = sign(at, last, tree, head, false, frontiers);
            heads.add(head);
            checkpointSeq = at;
        }
        return new Built(new WriteBatch(chain, openings, chained, changes, heads, List.of(), frontiers), at, last,
                checkpointSeq, tree, head);
    }

    /** A batch holding only a head over everything committed (empty when nothing is unsigned). */
    Built buildHead() {
        return build(List.of(), List.of(), List.of(), true);
    }

    /**
     * The head a clean close writes, {@code closed = true}: at the current seq, re-signing the
     * head already there (same prev_head) instead of adding a second one at that seq.
     */
    Built buildClose() {
        requireLoaded();
        if (frontier == null) {
            return buildHead(); // tree unknown: a v1 head, which cannot say closed
        }
        boolean atHead = lastHead != null && lastHead.seq() == seq;
        // A head announcing a rotated key was signed by the key before, which is gone: replacing
        // it would lose the announcement, so a close right after a rotation leaves it open.
        if (seq == 0 || (atHead && (lastHead.closed() || lastHead.nextKey() != null))) {
            return new Built(new WriteBatch(chain, List.of(), List.of(), List.of(), List.of()), seq, hash,
                    lastCheckpointSeq, frontier.copy(), lastHead);
        }
        Map<Long, List<String>> frontiers = new HashMap<>();
        SignedHead head;
        if (atHead) {
            // Replaces the head at this seq, keeping its link: never two heads at one seq.
            frontiers.put(seq, frontier.toHex());
            head = keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, chain, seq, hash, frontier.rootHex(),
                    lastHead.prevHead(), true, null, clock.instant(), null, null));
        } else {
            head = sign(seq, hash, frontier, lastHead, true, frontiers);
        }
        return new Built(new WriteBatch(chain, List.of(), List.of(), List.of(), List.of(head), List.of(), frontiers),
                seq, hash, seq, frontier.copy(), head);
    }

    /**
     * At start after a clean close: the closed head at the current seq re-signed as not closed
     * (same seq, root and prev_head; it replaces the closed one), so entries this run appends and
     * a kill leaves unsigned are not mistaken for entries appended after the clean close. Null when
     * the chain does not end at a closed head.
     */
    Built buildReopen() {
        requireLoaded();
        if (lastHead == null || !lastHead.closed() || lastHead.seq() != seq || frontier == null) {
            return null;
        }
        SignedHead head = keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, chain, seq, hash, frontier.rootHex(),
                lastHead.prevHead(), false, null, clock.instant(), null, null));
        return new Built(new WriteBatch(chain, List.of(), List.of(), List.of(), List.of(head), List.of(),
                Map.of(seq, frontier.toHex())), seq, hash, seq, frontier.copy(), head);
    }

    /**
     * A key rotation's announcement: a head at the current seq signed by the current key and
     * carrying {@code next}'s public key as {@code next_key}, so a verifier that trusts the current
     * key trusts the next one from that head on. When a head is already at this seq it is
     * replaced (same prev_head): never two heads at one seq. Null for an empty chain (nothing is
     * signed yet, so there is nothing to hand over).
     *
     * @throws IllegalStateException when the chain's tree is unknown: a v1 head cannot carry next_key
     */
    Built buildRotation(SigningKeys next) {
        requireLoaded();
        if (seq == 0) {
            return null;
        }
        if (frontier == null) {
            throw new IllegalStateException("chain " + chain + " signs v1 heads (pruned by a version without the"
                    + " Merkle tree), which cannot announce a key (expected: a chain with a known tree)");
        }
        boolean atHead = lastHead != null && lastHead.seq() == seq;
        SignedHead previous = atHead ? null : lastHead;
        String prevHead = atHead ? lastHead.prevHead() : previous == null ? null : previous.headHash();
        SignedHead head = keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, chain, seq, hash, frontier.rootHex(),
                prevHead, false, next.publicKeyBase64(), clock.instant(), null, null));
        return new Built(new WriteBatch(chain, List.of(), List.of(), List.of(), List.of(head), List.of(),
                Map.of(seq, frontier.toHex())), seq, hash, seq, frontier.copy(), head);
    }

    /** The key heads and anchors are signed with now. */
    SigningKeys keys() {
        return keys;
    }

    /** Signs with {@code next} from now on (after its announcement was committed). */
    void useKeys(SigningKeys next) {
        this.keys = next;
    }

    private SignedHead sign(long at, String entryHash, MerkleFrontier tree, SignedHead previous, boolean closed,
            Map<Long, List<String>> frontiers) {
        Instant now = clock.instant();
        if (tree == null) {
            return keys.sign(SignedHead.Purpose.CHECKPOINT, chain, at, entryHash, now);
        }
        frontiers.put(at, tree.toHex());
        return keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, chain, at, entryHash, tree.rootHex(),
                previous == null ? null : previous.headHash(), closed, null, now, null, null));
    }

    /** Moves the head after {@code built} was committed. */
    void accept(Built built) {
        boolean signed = built.checkpointSeq() > lastCheckpointSeq || built.checkpointSeq() == built.seq();
        seq = built.seq();
        hash = built.hash();
        lastCheckpointSeq = built.checkpointSeq();
        frontier = built.frontier();
        lastHead = built.lastHead();
        if (seq == lastCheckpointSeq) {
            firstUnsignedAt = null;
        } else if (firstUnsignedAt == null || signed) {
            firstUnsignedAt = clock.instant();
        }
    }

    /**
     * The retention anchor through {@code through} (a committed seq): signed, with the tree's root
     * and frontier there, computed from the nearest stored frontier and the hash column
     * ({@link dev.tally.audit.proof.StoredTree}); a v1 anchor when the tree is unknown.
     */
    AdminChange.Prune anchor(AuditStore store, dev.tally.audit.store.ChainHead through, Instant now) {
        if (frontier == null) {
            return new AdminChange.Prune(keys.sign(SignedHead.Purpose.ANCHOR, chain, through.seq(), through.hash(), now));
        }
        MerkleFrontier tree = dev.tally.audit.proof.StoredTree.near(store, chain, through.seq()).frontierAt(through.seq());
        SignedHead anchor = keys.sign(new SignedHead(SignedHead.Purpose.ANCHOR, chain, through.seq(), through.hash(),
                tree.rootHex(), null, false, null, now, null, null));
        return new AdminChange.Prune(anchor, tree.toHex());
    }

    private void requireLoaded() {
        if (!loaded) {
            throw new IllegalStateException("chain head of " + chain + " is not loaded");
        }
    }
}
