package dev.tally.audit.verify;

import dev.tally.audit.chain.MerkleTree;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.proof.StoredTree;
import dev.tally.audit.store.ChainReads;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The comparison behind {@link Verifier#since}: every head a witness saved must still be
 * extended by the chain. The chain must hold at least the saved tree size, and the tree recomputed
 * from the stored entries at that size must have the saved root. A saved size inside a pruned
 * prefix is compared through a consistency proof to the signed retention anchor. Stateless.
 */
final class SavedHeads {

    private static final HexFormat HEX = HexFormat.of();

    private SavedHeads() {
    }

    static void compare(ChainReads store, String chain, List<SignedHead> saved, long lastSeq,
            Map<Long, String> recomputedRoots, SignedHead anchor, BiConsumer<Long, String> bad) {
        for (SignedHead head : saved) {
            long size = head.seq();
            if (lastSeq < size) {
                bad.accept(lastSeq + 1, "chain " + chain + " ends at seq " + lastSeq + ", shorter than the saved head's"
                        + " tree size " + size + ": entries were cut");
                continue;
            }
            if (head.root() == null) {
                continue; // a v1 head has no root; its hash is compared by the checkpoint check
            }
            String root = recomputedRoots.get(size);
            if (root == null && anchor != null && size < anchor.seq()) {
                prunedPrefix(store, chain, head, anchor, bad);
                continue;
            }
            if (root == null) {
                bad.accept(size, "chain " + chain + ": the tree at the saved size " + size + " cannot be recomputed (the"
                        + " chain is broken before it)");
            } else if (!root.equals(head.root())) {
                bad.accept(size, "chain " + chain + ": the tree at the saved size " + size + " has root " + root
                        + ", not the saved root " + head.root() + ": the chain was rewritten");
            }
        }
    }

    private static void prunedPrefix(ChainReads store, String chain, SignedHead head, SignedHead anchor,
            BiConsumer<Long, String> bad) {
        try {
            List<byte[]> proof = StoredTree.near(store, chain, head.seq()).consistencyProof(head.seq(), anchor.seq());
            if (anchor.root() == null || !MerkleTree.verifyConsistency(head.seq(), anchor.seq(),
                    HEX.parseHex(head.root()), HEX.parseHex(anchor.root()), proof)) {
                bad.accept(head.seq(), "chain " + chain + ": the retention anchor at seq " + anchor.seq()
                        + " does not extend the saved head at tree size " + head.seq() + ": the chain was rewritten");
            }
        } catch (IllegalStateException e) {
            bad.accept(head.seq(), "chain " + chain + ": the saved head at tree size " + head.seq() + " lies in the"
                    + " prefix pruned through seq " + anchor.seq() + " and cannot be compared (" + e.getMessage() + ")");
        }
    }
}
