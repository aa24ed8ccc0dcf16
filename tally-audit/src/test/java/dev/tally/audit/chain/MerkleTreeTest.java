package dev.tally.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tree against RFC 9162: roots by the definition (recursive MTH, written here independently
 * of {@link MerkleFrontier}), inclusion and consistency proofs for every size 1..64 and every
 * index, and tampered proofs failing.
 */
class MerkleTreeTest {

    private static final HexFormat HEX = HexFormat.of();

    /** MTH exactly as RFC 9162 2.1.1 writes it, over leaf hashes. */
    private static byte[] mth(List<byte[]> leaves) {
        int n = leaves.size();
        if (n == 0) {
            return EntryHasher.sha256().digest();
        }
        if (n == 1) {
            return leaves.get(0);
        }
        int k = Integer.highestOneBit(n - 1);
        return MerkleTree.nodeHash(mth(leaves.subList(0, k)), mth(leaves.subList(k, n)));
    }

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(MerkleTree.leafHash(EntryHasher.sha256().digest(("entry " + i).getBytes(StandardCharsets.UTF_8))));
        }
        return leaves;
    }

    @Test
    void leafAndNodeHashesAreDomainSeparatedSha256() {
        byte[] entry = new byte[32];
        byte[] leafInput = new byte[33];
        assertThat(MerkleTree.leafHash(entry)).isEqualTo(EntryHasher.sha256().digest(leafInput));
        byte[] nodeInput = new byte[65];
        nodeInput[0] = 1;
        assertThat(MerkleTree.nodeHash(new byte[32], new byte[32])).isEqualTo(EntryHasher.sha256().digest(nodeInput));
        assertThat(HEX.formatHex(MerkleTree.emptyRoot()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void aLeafHashNeedsExactly32Bytes() {
        assertThatThrownBy(() -> MerkleTree.leafHash(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry hash: 31 bytes (expected: 32 bytes)");
    }

    @Test
    void theFrontierRootIsTheRfcRootForEverySize() {
        List<byte[]> leaves = leaves(64);
        MerkleFrontier frontier = new MerkleFrontier();
        assertThat(frontier.root()).isEqualTo(mth(List.of()));
        for (int n = 1; n <= 64; n++) {
            frontier.append(leaves.get(n - 1));
            assertThat(frontier.size()).isEqualTo(n);
            assertThat(frontier.root()).as("size %d", n).isEqualTo(mth(leaves.subList(0, n)));
            assertThat(frontier.toHex()).hasSize(Integer.bitCount(n));
            MerkleFrontier reread = MerkleFrontier.of(n, frontier.toHex());
            assertThat(reread.root()).isEqualTo(frontier.root());
        }
    }

    @Test
    void aFrontierReadBackContinuesLikeTheOriginal() {
        List<byte[]> leaves = leaves(40);
        MerkleFrontier frontier = new MerkleFrontier();
        leaves.subList(0, 13).forEach(frontier::append);
        MerkleFrontier reread = MerkleFrontier.of(13, frontier.toHex());
        leaves.subList(13, 40).forEach(reread::append);
        assertThat(reread.root()).isEqualTo(mth(leaves));
    }

    @Test
    void aFrontierWithTheWrongNumberOfHashesIsRefused() {
        assertThatThrownBy(() -> MerkleFrontier.of(3, List.of("00".repeat(32))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frontier: 1 hashes for size 3 (expected: 2, one per set bit of the size)");
        assertThatThrownBy(() -> MerkleFrontier.of(1, List.of("xyz")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frontier hash: 'xyz' (expected: 64 lower-case hex digits)");
        String upper = "AB".repeat(32);
        assertThatThrownBy(() -> MerkleFrontier.of(1, List.of(upper)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frontier hash: '" + upper + "' (expected: 64 lower-case hex digits)");
        assertThatThrownBy(() -> new MerkleFrontier().appendEntry("0".repeat(63) + "g"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("entry hash: ");
    }

    @Test
    void theFrontierNamesItsPerfectSubtrees() {
        List<byte[]> leaves = leaves(13);
        MerkleFrontier frontier = new MerkleFrontier();
        leaves.forEach(frontier::append);
        assertThat(frontier.subtree(0, 8)).isEqualTo(mth(leaves.subList(0, 8)));
        assertThat(frontier.subtree(8, 12)).isEqualTo(mth(leaves.subList(8, 12)));
        assertThat(frontier.subtree(12, 13)).isEqualTo(leaves.get(12));
        assertThat(frontier.subtree(0, 4)).isNull();
    }

    @Test
    void everyInclusionProofOfEverySizeUpTo64Verifies() {
        List<byte[]> leaves = leaves(64);
        for (int n = 1; n <= 64; n++) {
            SubtreeHashes source = SubtreeHashes.of(leaves.subList(0, n));
            byte[] root = mth(leaves.subList(0, n));
            for (int i = 0; i < n; i++) {
                List<byte[]> path = MerkleTree.inclusionPath(i, n, source);
                assertThat(MerkleTree.verifyInclusion(leaves.get(i), i, n, path, root)).as("leaf %d of %d", i, n).isTrue();
                assertThat(path).hasSize(expectedPathLength(i, n));
            }
        }
    }

    /** RFC 9162: the path of leaf m in a tree of n is as long as the number of splits above it. */
    private static int expectedPathLength(long m, long n) {
        if (n == 1) {
            return 0;
        }
        long k = Long.highestOneBit(n - 1);
        return 1 + (m < k ? expectedPathLength(m, k) : expectedPathLength(m - k, n - k));
    }

    @Test
    void tamperedInclusionProofsFail() {
        List<byte[]> leaves = leaves(64);
        for (int n = 2; n <= 64; n++) {
            SubtreeHashes source = SubtreeHashes.of(leaves.subList(0, n));
            byte[] root = mth(leaves.subList(0, n));
            for (int i = 0; i < n; i++) {
                List<byte[]> path = MerkleTree.inclusionPath(i, n, source);
                assertThat(MerkleTree.verifyInclusion(leaves.get((i + 1) % n), i, n, path, root)).isFalse();
                assertThat(MerkleTree.verifyInclusion(leaves.get(i), (i + 1) % n, n, path, root)).isFalse();
                assertThat(MerkleTree.verifyInclusion(leaves.get(i), i, n, path.subList(0, path.size() - 1), root))
                        .isFalse();
                List<byte[]> longer = new ArrayList<>(path);
                longer.add(leaves.get(0));
                assertThat(MerkleTree.verifyInclusion(leaves.get(i), i, n, longer, root)).isFalse();
                for (int p = 0; p < path.size(); p++) {
                    List<byte[]> flipped = new ArrayList<>(path);
                    byte[] changed = flipped.get(p).clone();
                    changed[0] ^= 1;
                    flipped.set(p, changed);
                    assertThat(MerkleTree.verifyInclusion(leaves.get(i), i, n, flipped, root)).isFalse();
                }
            }
        }
    }

    @Test
    void everyConsistencyProofBetweenSizesUpTo64Verifies() {
        List<byte[]> leaves = leaves(64);
        SubtreeHashes source = SubtreeHashes.of(leaves);
        for (int n = 1; n <= 64; n++) {
            byte[] root2 = mth(leaves.subList(0, n));
            for (int m = 0; m <= n; m++) {
                byte[] root1 = mth(leaves.subList(0, m));
                List<byte[]> proof = MerkleTree.consistencyProof(m, n, source);
                assertThat(MerkleTree.verifyConsistency(m, n, root1, root2, proof)).as("%d -> %d", m, n).isTrue();
            }
        }
    }

    @Test
    void tamperedConsistencyProofsFail() {
        List<byte[]> leaves = leaves(64);
        SubtreeHashes source = SubtreeHashes.of(leaves);
        for (int n = 2; n <= 64; n++) {
            byte[] root2 = mth(leaves.subList(0, n));
            for (int m = 1; m < n; m++) {
                byte[] root1 = mth(leaves.subList(0, m));
                List<byte[]> proof = MerkleTree.consistencyProof(m, n, source);
                byte[] otherRoot1 = mth(leaves.subList(1, m + 1));
                assertThat(MerkleTree.verifyConsistency(m, n, otherRoot1, root2, proof)).isFalse();
                assertThat(MerkleTree.verifyConsistency(m, n, root1, mth(leaves.subList(1, n + 1 > 64 ? 64 : n + 1)),
                        proof)).isFalse();
                assertThat(MerkleTree.verifyConsistency(m, n, root1, root2, List.of())).isFalse();
                for (int p = 0; p < proof.size(); p++) {
                    List<byte[]> flipped = new ArrayList<>(proof);
                    byte[] changed = flipped.get(p).clone();
                    changed[31] ^= 0x40;
                    flipped.set(p, changed);
                    assertThat(MerkleTree.verifyConsistency(m, n, root1, root2, flipped)).as("%d -> %d node %d", m, n, p)
                            .isFalse();
                }
                assertThat(MerkleTree.verifyConsistency(m, n, root1, root2, proof.subList(0, proof.size() - 1)))
                        .isFalse();
            }
        }
    }

    @Test
    void aConsistencyProofFromALargerSizeIsRefused() {
        assertThatThrownBy(() -> MerkleTree.consistencyProof(5, 4, SubtreeHashes.of(leaves(5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from size: 5 (expected: 0..4, at most the size it is proven against)");
        assertThatThrownBy(() -> MerkleTree.inclusionPath(4, 4, SubtreeHashes.of(leaves(4))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaf index: 4 (expected: 0..3 in a tree of size 4)");
    }
}
