package dev.tally.audit.verify;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.store.ChainReads;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.StoredRow;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One chain's verification (see {@link Verifier}): the rows in seq order, the Merkle tree
 * recomputed from them and compared with every signed root, the heads' signatures and links
 * ({@link HeadCheck}), and, for {@link Verifier#since}, the saved heads. Keeps only the lowest bad
 * seq found. Not thread-safe: one instance per run.
 */
final class ChainCheck {

    private final ChainReads store;
    private final String chain;
    private final Map<String, PublicKey> keys;
    private final boolean pinned;
    private final List<SignedHead> saved;
    private FirstBad firstBad;
    private long entries;
    private long expected = 1;
    private String prevHash = EntryHasher.GENESIS;
    private String prevPrevHash; // prev_hash of the previous row, to recognise an inserted row
    private long lastSeq;
    private String lastHash = EntryHasher.GENESIS;
    private boolean broken; // after the first structural problem only rows are counted
    private MerkleFrontier tree; // null when unknown (pruned by a version without frontiers) or broken
    private final Map<Long, String> hashesAtCheckpoints = new HashMap<>();
    private final Map<Long, SignedHead> checkpointsBySeq = new HashMap<>();
    private final Map<Long, String> rootsAtSaved = new HashMap<>();

    ChainCheck(ChainReads store, String chain, Map<String, PublicKey> keys, boolean pinned, List<SignedHead> saved) {
        this.store = store;
        this.chain = chain;
        this.keys = keys;
        this.pinned = pinned;
        this.saved = saved;
    }

    ChainReport run() {
        Optional<SignedHead> anchor = store.anchor(chain);
        tree = new MerkleFrontier();
        if (anchor.isPresent()) {
            SignedHead a = anchor.get();
            expected = a.seq() + 1;
            prevHash = a.hash();
            lastSeq = a.seq();
            lastHash = a.hash();
            tree = store.frontier(chain, a.seq()).orElse(null);
            if (a.root() != null && (tree == null || !tree.rootHex().equals(a.root()))) {
                bad(a.seq(), "retention anchor at seq " + a.seq() + ": the stored frontier does not give its signed"
                        + " root " + a.root());
                tree = null;
            }
            rootsAtSaved.put(a.seq(), a.root());
        }
        List<SignedHead> checkpoints = store.checkpoints(chain);
        for (SignedHead checkpoint : checkpoints) {
            hashesAtCheckpoints.put(checkpoint.seq(), null);
            checkpointsBySeq.put(checkpoint.seq(), checkpoint);
        }
        for (SignedHead head : saved) {
            rootsAtSaved.putIfAbsent(head.seq(), null);
        }
        HeadCheck.check(chain, checkpoints, anchor.orElse(null), keys, pinned, this::bad);
        savedSignatures(checkpoints);
        store.scan(chain, this::row);
        for (SignedHead checkpoint : checkpoints) {
            checkpoint(checkpoint, anchor.orElse(null));
        }
        SavedHeads.compare(store, chain, saved, lastSeq, rootsAtSaved, anchor.orElse(null), this::bad);
        SignedHead latest = checkpoints.isEmpty() ? null : checkpoints.getLast();
        if (anchor.isPresent() && (latest == null || anchor.get().seq() > latest.seq())) {
            latest = anchor.get();
        }
        long unsigned = Math.max(0, lastSeq - (latest == null ? 0 : latest.seq()));
        return new ChainReport(chain, entries, lastSeq, lastHash, checkpoints.size(), firstBad, unsigned, latest,
                pinned ? KeyTrust.PINNED : KeyTrust.STORE_LISTED);
    }

    /**
     * A saved head is the outside party's word only if it is signed: an edited heads file (a
     * lowered tree size or a root changed to match a rewritten log) is refused here, not trusted.
     * Trusted are the verifier's keys and the keys the chain's heads announce (a forged
     * announcement is reported by {@link HeadCheck} itself).
     */
    private void savedSignatures(List<SignedHead> checkpoints) {
        Map<String, PublicKey> trusted = new java.util.HashMap<>(keys);
        for (SignedHead checkpoint : checkpoints) {
            if (checkpoint.nextKey() != null) {
                try {
                    PublicKey next = SigningKeys.parsePublicKey(checkpoint.nextKey());
                    trusted.put(SigningKeys.keyIdOf(next), next);
                } catch (IllegalArgumentException unreadable) {
                    // HeadCheck reports it
                }
            }
        }
        for (SignedHead head : saved) {
            Verifier.signatureProblem(head, trusted).ifPresent(problem -> bad(Math.max(1, head.seq()), "saved head of chain "
                    + chain + " at tree size " + head.seq() + ": " + problem + " (the saved heads file was edited, or"
                    + " comes from another log)"));
        }
    }

    private void row(StoredRow row) {
        entries++;
        if (broken) {
            return;
        }
        long seq = row.seq();
        if (seq != expected) {
            if (seq > expected) {
                fail(expected, "seq " + expected + " is missing (the next stored seq is " + seq + ")");
            } else {
                fail(seq, "seq " + seq + " is stored out of order or twice (expected seq " + expected + ")");
            }
            return;
        }
        if (!chain.equals(row.chain())) {
            fail(seq, "chain column is '" + row.chain() + "' (expected: '" + chain + "')");
            return;
        }
        if (!prevHash.equals(row.prevHash())) {
            if (prevPrevHash != null && prevPrevHash.equals(row.prevHash())) {
                fail(seq - 1, "seq " + (seq - 1) + " was inserted: seq " + seq + " links to seq " + (seq - 2));
            } else {
                fail(seq, "prev_hash does not match the hash of seq " + (seq - 1));
            }
            return;
        }
        String recomputed = EntryHasher.hash(chain, seq, row.prevHash(), row.body());
        if (!recomputed.equals(row.hash())) {
            fail(seq, "hash does not match the stored body (recomputed " + recomputed + ")");
            return;
        }
        AuditEntry entry;
        try {
            entry = EntryHasher.parse(row.body());
        } catch (IllegalArgumentException e) {
            fail(seq, "body is not a valid entry: " + e.getMessage());
            return;
        }
        if (!Arrays.equals(EntryHasher.canonicalBytes(entry), row.body())) {
            fail(seq, "body is not in canonical form");
            return;
        }
        IndexColumns columns = IndexColumns.of(entry);
        if (!columns.equals(row.columns())) {
            fail(seq, "index columns " + row.columns() + " disagree with the body " + columns);
            return;
        }
        if (entry instanceof SecurityEvent event && event.type() == SecurityEventType.INTEGRITY_ALERT) {
            bad(seq, "the writer recorded an integrity alert at seq " + seq + ": " + event.detail());
        }
        if (hashesAtCheckpoints.containsKey(seq)) {
            hashesAtCheckpoints.put(seq, row.hash());
        }
        tree(seq, row.hash());
        prevPrevHash = prevHash;
        prevHash = row.hash();
        expected = seq + 1;
        lastSeq = seq;
        lastHash = row.hash();
    }

    /** Extends the recomputed tree and compares it with a signed root at this size. */
    private void tree(long seq, String hash) {
        if (tree == null) {
            return;
        }
        tree.appendEntry(hash);
        SignedHead head = checkpointsBySeq.get(seq);
        boolean savedHere = rootsAtSaved.containsKey(seq);
        if ((head != null && head.root() != null) || savedHere) {
            String root = tree.rootHex();
            if (savedHere) {
                rootsAtSaved.put(seq, root);
            }
            if (head != null && head.root() != null && !root.equals(head.root())) {
                bad(seq, "checkpoint at seq " + seq + " signed root " + head.root() + " but the tree of the stored"
                        + " entries has root " + root);
            }
        }
    }

    private void checkpoint(SignedHead checkpoint, SignedHead anchor) {
        long seq = checkpoint.seq();
        if (broken) {
            return;
        }
        if (seq > lastSeq) {
            bad(lastSeq + 1, "entries after seq " + lastSeq + " are missing: a checkpoint covers seq " + seq);
            return;
        }
        String stored = anchor != null && seq == anchor.seq() ? anchor.hash() : hashesAtCheckpoints.get(seq);
        if (stored != null && !stored.equals(checkpoint.hash())) {
            bad(seq, "checkpoint at seq " + seq + " signed hash " + checkpoint.hash() + " but the entry's hash is "
                    + stored);
        }
    }

    private void fail(long seq, String reason) {
        broken = true;
        tree = null;
        // What is wrong with the rows themselves says more than a root that no longer matches there.
        if (firstBad == null || seq <= firstBad.seq()) {
            firstBad = new FirstBad(seq, reason);
        }
    }

    private void bad(long seq, String reason) {
        if (firstBad == null || seq < firstBad.seq()) {
            firstBad = new FirstBad(seq, reason);
        }
    }
}
