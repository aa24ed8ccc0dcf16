package dev.tally.audit.recorder.internal;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.ChainHead;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a writer resumes its chain, re-verified from the last signed head on: nobody but this
 * writer appends to its chain, so whatever lies between its last signed head and the stored head
 * was written by it before a stop, and must check out before it is signed over.
 *
 * <p>Reads the latest checkpoint (or the retention anchor when that is newer), checks its
 * signature, that its stored frontier gives its signed root and that the entry at its seq has the
 * signed hash; then scans only the rows after it (a second or so of entries after a crash, none
 * after a clean close): gap-free seqs, prev_hash links, each hash recomputed from the stored body,
 * and extends the frontier with them. Rows after a head marked {@code closed} are a problem in
 * themselves: the clean close signed everything this writer had written.
 *
 * <p>The whole chain is read only for a chain whose last head has no stored frontier (written by
 * a version without the tree), once, to build the frontier; a chain pruned by such a version has no
 * known tree (frontier null: the writer then signs v1 heads).
 *
 * <p>Thread-safe: stateless.
 */
final class ChainResume {

    /**
     * What a resume found.
     *
     * @param seq the stored head's seq
     * @param hash the stored head's hash
     * @param frontier the tree's frontier at {@code seq}, or null when it is unknown
     * @param lastHead the latest checkpoint, or null
     * @param signedSeq the last seq a head or the anchor signed
     * @param checkedFrom the first seq checked after the signed head
     * @param problems what does not check out, for a human; empty when all does
     */
    record Result(long seq, String hash, MerkleFrontier frontier, SignedHead lastHead, long signedSeq,
            long checkedFrom, List<String> problems) {

        Result {
            problems = List.copyOf(problems);
        }
    }

    /** Problems named one by one; beyond this many rows only counted. */
    private static final int MAX_PROBLEMS = 10;

    private ChainResume() {
    }

    static Result resume(AuditStore store, String chain, SigningKeys keys) {
        ChainHead stored = store.head(chain);
        Optional<SignedHead> anchor = store.anchor(chain);
        SignedHead checkpoint = store.checkpointAtOrBefore(chain, Long.MAX_VALUE).orElse(null);
        List<String> problems = new ArrayList<>();
        SignedHead base = checkpoint;
        if (anchor.isPresent() && (checkpoint == null || anchor.get().seq() > checkpoint.seq())) {
            base = anchor.get();
        }
        MerkleFrontier frontier;
        String prevHash;
        long from;
        if (base == null) {
            frontier = new MerkleFrontier();
            prevHash = EntryHasher.GENESIS;
            from = 1;
        } else {
            String what = (base.purpose() == SignedHead.Purpose.ANCHOR ? "retention anchor" : "signed head") + " at seq "
                    + base.seq();
            signatureProblem(store, keys, base).ifPresent(p -> problems.add(what + ": " + p));
            frontier = store.frontier(chain, base.seq()).orElse(null);
            if (frontier == null && anchor.isEmpty()) {
                frontier = rebuild(store, chain, base.seq());
            }
            if (frontier != null && base.root() != null && !frontier.rootHex().equals(base.root())) {
                problems.add(what + ": the stored tree gives root " + frontier.rootHex() + " but the head signed "
                        + base.root());
            }
            if (base.purpose() == SignedHead.Purpose.CHECKPOINT && (anchor.isEmpty() || base.seq() > anchor.get().seq())) {
                String[] atHead = new String[1];
                store.entryHashes(chain, base.seq(), base.seq(), (h, s) -> atHead[0] = h);
                if (atHead[0] == null) {
                    problems.add(what + ": the entry at seq " + base.seq() + " is missing");
                } else if (!atHead[0].equals(base.hash())) {
                    problems.add(what + ": the entry at seq " + base.seq() + " has hash " + atHead[0]
                            + " but the head signed " + base.hash());
                }
            }
            prevHash = base.hash();
            from = base.seq() + 1;
        }
        Tail tail = new Tail(chain, from, prevHash, frontier, problems);
        store.scanFrom(chain, from, tail::row);
        if (tail.expected - 1 != stored.seq() && problems.isEmpty()) {
            problems.add("the chain's stored head is seq " + stored.seq() + " but rows after seq " + (from - 1)
                    + " end at seq " + (tail.expected - 1));
        }
        if (base != null && base.closed() && tail.rows > 0) {
            problems.add(tail.rows + " entries (seq " + from + ".." + stored.seq() + ") follow the head at seq "
                    + base.seq() + " that this gateway's clean close signed; nobody else appends to this chain");
        }
        if (frontier != null && frontier.size() != stored.seq()) {
            // Leaves are indexed by seq: with rows missing the tree cannot be continued.
            problems.add("the tree cannot be continued: " + frontier.size() + " leaves for " + stored.seq() + " seqs");
            frontier = null;
        }
        if (tail.unreported > 0) {
            problems.add(tail.unreported + " more rows after seq " + (from - 1) + " do not check out");
        }
        long signedSeq = base == null ? 0 : base.seq();
        return new Result(stored.seq(), stored.hash(), frontier, checkpoint, signedSeq, from, problems);
    }

    /** The frontier at {@code seq} from every entry hash through it: only for heads from before the tree. */
    private static MerkleFrontier rebuild(AuditStore store, String chain, long seq) {
        MerkleFrontier frontier = new MerkleFrontier();
        store.entryHashes(chain, 1, seq, (h, s) -> frontier.appendEntry(h));
        return frontier.size() == seq ? frontier : null;
    }

    private static Optional<String> signatureProblem(AuditStore store, SigningKeys keys, SignedHead head) {
        PublicKey key = null;
        if (keys.keyId().equals(head.keyId())) {
            key = keys.publicKey();
        } else if (head.keyId() != null) {
            String registered = store.signingKeys().get(head.keyId());
            if (registered != null) {
                try {
                    key = SigningKeys.parsePublicKey(registered);
                } catch (IllegalArgumentException e) {
                    return Optional.of("its key " + head.keyId() + " is registered but not readable");
                }
            }
        }
        if (key == null) {
            return Optional.of("signed by unknown key id '" + head.keyId() + "'");
        }
        return SigningKeys.verify(head, key) ? Optional.empty()
                : Optional.of("signature is not valid under key " + head.keyId());
    }

    /** The rows after the signed head, checked one by one. */
    private static final class Tail {
        private final String chain;
        private final List<String> problems;
        private final MerkleFrontier frontier;
        private long expected;
        private String prevHash;
        private long rows;
        private long unreported;

        Tail(String chain, long from, String prevHash, MerkleFrontier frontier, List<String> problems) {
            this.chain = chain;
            this.expected = from;
            this.prevHash = prevHash;
            this.frontier = frontier;
            this.problems = problems;
        }

        private void problem(String text) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(text);
            } else {
                unreported++;
            }
        }

        void row(dev.tally.audit.store.StoredRow row) {
            rows++;
            long seq = row.seq();
            if (seq != expected) {
                problem("seq " + expected + " is missing or out of place (the next stored seq is " + seq + ")");
            } else if (!prevHash.equals(row.prevHash())) {
                problem("seq " + seq + ": prev_hash does not match the hash of seq " + (seq - 1));
            } else if (!EntryHasher.hash(chain, seq, row.prevHash(), row.body()).equals(row.hash())) {
                problem("seq " + seq + ": hash does not match the stored body");
            }
            if (frontier != null) {
                frontier.appendEntry(row.hash());
            }
            prevHash = row.hash();
            expected = seq + 1;
        }
    }
}
