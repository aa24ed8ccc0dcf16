package dev.tally.audit.chain;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The compact range of a Merkle tree: the hashes of its perfect subtrees, largest (leftmost)
 * first, one per set bit of the tree's size (so at most 64). Enough to append leaves and compute
 * the root without the leaves themselves: the writer keeps one per chain, and every signed head
 * and retention anchor stores the frontier at its size, so a restart continues from the last
 * head instead of rehashing the chain, and proofs after a retention prune can still use the
 * pruned prefix's subtrees.
 *
 * <p>The subtree at position {@code i} covers leaves {@code [start_i, start_i + 2^h_i)}, where the
 * {@code 2^h_i} are the set bits of {@link #size()} from the highest down and each start is the sum
 * of the sizes before it.
 *
 * <p>Not thread-safe (mutable); {@link #copy()} before handing it to another thread.
 */
public final class MerkleFrontier {

    private static final HexFormat HEX = HexFormat.of();

    private final List<byte[]> subtrees;
    private long size;

    /** The frontier of the empty tree. */
    public MerkleFrontier() {
        this.subtrees = new ArrayList<>(64);
    }

    private MerkleFrontier(long size, List<byte[]> subtrees) {
        this.size = size;
        this.subtrees = subtrees;
    }

    /**
     * The frontier of a tree of {@code size} leaves from its subtree hashes in hex, largest first.
     *
     * @throws IllegalArgumentException when the count is not the number of set bits of {@code size}
     *     or a hash is not 64 lower-case hex digits
     */
    public static MerkleFrontier of(long size, List<String> hex) {
        if (size < 0) {
            throw new IllegalArgumentException("frontier size: " + size + " (expected: >= 0)");
        }
        if (hex.size() != Long.bitCount(size)) {
            throw new IllegalArgumentException("frontier: " + hex.size() + " hashes for size " + size + " (expected: "
                    + Long.bitCount(size) + ", one per set bit of the size)");
        }
        List<byte[]> parsed = new ArrayList<>(64);
        for (String h : hex) {
            parsed.add(parseHash("frontier hash", h));
        }
        return new MerkleFrontier(size, parsed);
    }

    /** Appends a leaf hash (see {@link MerkleTree#leafHash}). */
    public void append(byte[] leaf) {
        if (leaf.length != 32) {
            throw new IllegalArgumentException("leaf: " + leaf.length + " bytes (expected: 32)");
        }
        subtrees.add(leaf);
        size++;
        // Each trailing zero bit of the new size is a pair of equal-sized subtrees to merge.
        for (long s = size; (s & 1) == 0; s >>= 1) {
            byte[] right = subtrees.removeLast();
            byte[] left = subtrees.removeLast();
            subtrees.add(MerkleTree.nodeHash(left, right));
        }
    }

    /** Appends the leaf of an entry whose chain hash is {@code entryHashHex}. */
    public void appendEntry(String entryHashHex) {
        appendEntry(parseHash("entry hash", entryHashHex));
    }

    /** Appends the leaf of an entry whose chain hash is {@code entryHash} (32 bytes). */
    public void appendEntry(byte[] entryHash) {
        append(MerkleTree.leafHash(entryHash));
    }

    /** The tree's root (MTH), 32 bytes; the empty tree's for size 0. */
    public byte[] root() {
        if (subtrees.isEmpty()) {
            return MerkleTree.emptyRoot();
        }
        byte[] r = subtrees.getLast();
        for (int i = subtrees.size() - 2; i >= 0; i--) {
            r = MerkleTree.nodeHash(subtrees.get(i), r);
        }
        return r;
    }

    /** The root as 64 lower-case hex digits. */
    public String rootHex() {
        return HEX.formatHex(root());
    }

    /** The number of leaves. */
    public long size() {
        return size;
    }

    /** The subtree hashes in hex, largest first. */
    public List<String> toHex() {
        List<String> hex = new ArrayList<>(subtrees.size());
        subtrees.forEach(s -> hex.add(HEX.formatHex(s)));
        return hex;
    }

    /**
     * The hash of {@code [start, end)} when that range is exactly one of this frontier's perfect
     * subtrees, else null.
     */
    public byte[] subtree(long start, long end) {
        long at = 0;
        int i = 0;
        for (long bit = Long.highestOneBit(size); bit > 0; bit >>= 1) {
            if ((size & bit) == 0) {
                continue;
            }
            if (at == start && at + bit == end) {
                return subtrees.get(i).clone();
            }
            at += bit;
            i++;
        }
        return null;
    }

    /** An independent copy. */
    public MerkleFrontier copy() {
        List<byte[]> copy = new ArrayList<>(64);
        copy.addAll(subtrees);
        return new MerkleFrontier(size, copy);
    }

    static byte[] parseHash(String field, String hex) {
        if (!isHash(hex)) {
            throw new IllegalArgumentException(field + ": '" + hex + "' (expected: 64 lower-case hex digits)");
        }
        return HEX.parseHex(hex);
    }

    /** 64 lower-case hex digits; a plain loop, as this runs for every entry a writer or verifier reads. */
    private static boolean isHash(String hex) {
        if (hex == null || hex.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "MerkleFrontier[size=" + size + ", root=" + rootHex() + "]";
    }
}
