package dev.tally.audit.chain;

import java.util.List;

/**
 * Where {@link MerkleTree}'s proof builders get the hashes of subtrees from: the Merkle tree hash
 * (RFC 9162 section 2.1.1) of the leaves with indexes {@code start} (inclusive) to {@code end}
 * (exclusive). A proof builder asks only for ranges its proof contains, so a source can answer from
 * stored frontiers and read leaves only where it has to.
 *
 * <p>Implementations say their own thread-safety; {@link #of(List)} is immutable and thread-safe.
 */
@FunctionalInterface
public interface SubtreeHashes {

    /**
     * MTH(D[start:end]), 32 raw bytes.
     *
     * @throws IllegalStateException when the source cannot compute that range (e.g. it lies
     *     strictly inside a pruned part of the tree); the message says which range and why
     */
    byte[] hash(long start, long end);

    /** A source over leaf hashes held in memory (index = position in the list). */
    static SubtreeHashes of(List<byte[]> leaves) {
        List<byte[]> copy = List.copyOf(leaves);
        return (start, end) -> {
            if (start < 0 || end > copy.size() || start >= end) {
                throw new IllegalStateException("subtree [" + start + ", " + end + "): outside the "
                        + copy.size() + " leaves held");
            }
            return MerkleTree.rootOf(copy.subList((int) start, (int) end));
        };
    }
}
