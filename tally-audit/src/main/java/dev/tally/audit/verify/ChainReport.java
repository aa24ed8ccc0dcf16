package dev.tally.audit.verify;

/**
 * The verification of one chain.
 *
 * @param chain the chain id
 * @param entries rows stored for the chain (after retention)
 * @param headSeq the last stored seq (the anchor's seq when everything was pruned, 0 when empty)
 * @param headHash the hash at {@code headSeq}
 * @param checkpoints signed checkpoints stored for the chain
 * @param firstBad the first problem, or null when the chain verifies
 */
public record ChainReport(String chain, long entries, long headSeq, String headHash, int checkpoints, FirstBad firstBad) {

    /** Whether the chain verifies. */
    public boolean ok() {
        return firstBad == null;
    }
}
