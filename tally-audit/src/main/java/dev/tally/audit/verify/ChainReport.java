package dev.tally.audit.verify;

import dev.tally.audit.chain.SignedHead;

/**
 * The verification of one chain.
 *
 * @param chain the chain id
 * @param entries rows stored for the chain (after retention)
 * @param headSeq the last stored seq (the anchor's seq when everything was pruned, 0 when empty)
 * @param headHash the hash at {@code headSeq}
 * @param checkpoints signed checkpoints stored for the chain
 * @param firstBad the first problem, or null when the chain verifies
 * @param unsignedEntries entries after the latest signed head (not yet covered by a signature)
 * @param latestHead the newest signed head (checkpoint or retention anchor), or null
 * @param keyTrust what the signatures were checked against
 */
public record ChainReport(String chain, long entries, long headSeq, String headHash, int checkpoints,
        FirstBad firstBad, long unsignedEntries, SignedHead latestHead, KeyTrust keyTrust) {

    /** A report without the signed-head fields (as written before the Merkle tree). */
    public ChainReport(String chain, long entries, long headSeq, String headHash, int checkpoints, FirstBad firstBad) {
        this(chain, entries, headSeq, headHash, checkpoints, firstBad, 0, null, KeyTrust.STORE_LISTED);
    }

    /** Whether the chain verifies. */
    public boolean ok() {
        return firstBad == null;
    }
}
