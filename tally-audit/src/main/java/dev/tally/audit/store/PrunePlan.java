package dev.tally.audit.store;

import dev.tally.audit.rollup.RollupDigest;
import java.time.Instant;
import java.util.Objects;

/**
 * What a retention run of a chain prunes and the {@link RollupDigest} its anchor signs, read
 * from one snapshot of the store ({@link DerivedRows#planPrune}) by the thread that asked for
 * the run, so the chain's writer does not spend the seconds the digest can take.
 *
 * <h2>When a plan still holds</h2>
 * The writer commits calls after the snapshot; before it prunes it asks {@link #holds} with
 * the chain's anchor and last committed seq then. A plan holds when:
 * <ul>
 *   <li>the anchor is the one the snapshot saw: no other run pruned meanwhile (entries leave a
 *       chain only by a prune);</li>
 *   <li>the entries to prune are still exactly seqs up to {@code through}: entries committed
 *       later have seqs above {@code lastSeq}, and when an entry at or below {@code lastSeq} was
 *       not before the cut-off ({@code through < lastSeq}) the prunable prefix ends there for
 *       good. Only when every entry was prunable may a later entry extend it, so then the plan
 *       holds only if nothing was committed since.</li>
 * </ul>
 * Calls committed after the snapshot do not change the digest: they are retained (their seq is
 * above {@code through}), and a rollup row is written in the transaction of the calls it counts,
 * so such a call adds the same amount to a stored row and to what the retained calls add to it;
 * its residual, which is what is hashed, stays the same.
 *
 * <p>Immutable, thread-safe.
 *
 * @param chain the chain
 * @param before the run's cut-off
 * @param through the last entry to prune
 * @param anchorSeq the seq of the chain's anchor at the snapshot, 0 when it had none
 * @param lastSeq the seq of the chain's last entry at the snapshot
 * @param digest the digest the anchor signs
 */
public record PrunePlan(String chain, Instant before, ChainHead through, long anchorSeq, long lastSeq,
        RollupDigest digest) {

    public PrunePlan {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(through, "through");
        Objects.requireNonNull(digest, "digest");
        if (through.seq() <= anchorSeq || through.seq() > lastSeq) {
            throw new IllegalArgumentException("prune plan through seq: " + through.seq() + " (expected: "
                    + (anchorSeq + 1) + ".." + lastSeq + ", above the anchor and at most the last seq)");
        }
    }

    /**
     * Whether this plan is still what a run with the same cut-off would find, now that the
     * chain's anchor is at {@code anchorSeqNow} (0: none) and its last committed entry at
     * {@code lastSeqNow}. Reads nothing.
     */
    public boolean holds(long anchorSeqNow, long lastSeqNow) {
        if (anchorSeqNow != anchorSeq || lastSeqNow < lastSeq) {
            return false;
        }
        return through.seq() < lastSeq || lastSeqNow == lastSeq;
    }
}
