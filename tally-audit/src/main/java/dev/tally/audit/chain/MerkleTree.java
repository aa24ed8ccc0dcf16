package dev.tally.audit.chain;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree over a chain's entries, hashed as in RFC 9162 section 2.1 (Certificate
 * Transparency v2), with SHA-256.
 *
 * <pre>
 * leaf(entry)  = SHA-256(0x00 || the 32 raw bytes of the entry's chain hash)
 * node(l, r)   = SHA-256(0x01 || l || r)
 * MTH({})      = SHA-256()                      (the empty tree)
 * MTH(D[n])    = node(MTH(D[0:k]), MTH(D[k:n]))  k = the largest power of two below n
 * </pre>
 *
 * A chain's leaf index is {@code seq - 1}: its tree starts at seq 1 and is never restarted, also
 * not by retention (the retention anchor keeps the {@link MerkleFrontier} of the pruned prefix).
 * The leaf hashes the entry's chain hash, not its body, so the tree adds no second canonical form:
 * whoever checks a leaf recomputes the entry hash from the body with {@link EntryHasher} first.
 *
 * <p>Inclusion and consistency proofs are built and verified exactly as in RFC 9162 sections
 * 2.1.3 and 2.1.4, so any CT library can check them given the leaf hashes. Hashes are raw 32-byte
 * arrays here; everywhere else they are written as 64 lower-case hex digits.
 *
 * <p>Thread-safe: stateless.
 */
public final class MerkleTree {

    private static final byte[] EMPTY_ROOT = EntryHasher.sha256().digest();

    private MerkleTree() {
    }

    /** The leaf hash of an entry: SHA-256(0x00 || its 32-byte chain hash). */
    public static byte[] leafHash(byte[] entryHash32) {
        if (entryHash32 == null || entryHash32.length != 32) {
            throw new IllegalArgumentException("entry hash: " + (entryHash32 == null ? "null" : entryHash32.length
                    + " bytes") + " (expected: 32 bytes)");
        }
        MessageDigest digest = EntryHasher.sha256();
        digest.update((byte) 0);
        digest.update(entryHash32);
        return digest.digest();
    }

    /** The interior node hash: SHA-256(0x01 || left || right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = EntryHasher.sha256();
        digest.update((byte) 1);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }

    /** The root of the empty tree: SHA-256 of nothing. */
    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    /** MTH over {@code leaves} (already leaf hashes). */
    public static byte[] rootOf(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            return emptyRoot();
        }
        MerkleFrontier frontier = new MerkleFrontier();
        leaves.forEach(frontier::append);
        return frontier.root();
    }

    /**
     * The audit path of leaf {@code index} in the tree of {@code size} leaves (RFC 9162 2.1.3.1),
     * from the leaf's sibling up to the root's child.
     */
    public static List<byte[]> inclusionPath(long index, long size, SubtreeHashes source) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf index: " + index + " (expected: 0.." + (size - 1)
                    + " in a tree of size " + size + ")");
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, size, source, path);
        return path;
    }

    private static void path(long m, long start, long end, SubtreeHashes source, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, start + k, source, out);
            out.add(source.hash(start + k, end));
        } else {
            path(m - k, start + k, end, source, out);
            out.add(source.hash(start, start + k));
        }
    }

    /** Whether {@code path} proves leaf {@code leafHash} at {@code index} in the tree of {@code size} with {@code root} (RFC 9162 2.1.3.2). */
    public static boolean verifyInclusion(byte[] leafHash, long index, long size, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= size || leafHash == null || root == null || path == null) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0 || p == null || p.length != 32) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /** The proof that the tree of {@code size2} leaves extends the one of {@code size1} (RFC 9162 2.1.4.1). */
    public static List<byte[]> consistencyProof(long size1, long size2, SubtreeHashes source) {
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("from size: " + size1 + " (expected: 0.." + size2 + ", at most the"
                    + " size it is proven against)");
        }
        List<byte[]> proof = new ArrayList<>();
        if (size1 == 0 || size1 == size2) {
            return proof;
        }
        subproof(size1, 0, size2, true, source, proof);
        return proof;
    }

    private static void subproof(long m, long start, long end, boolean whole, SubtreeHashes source, List<byte[]> out) {
        long n = end - start;
        if (m == n) {
            if (!whole) {
                out.add(source.hash(start, end));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, start + k, whole, source, out);
            out.add(source.hash(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, source, out);
            out.add(source.hash(start, start + k));
        }
    }

    /** Whether {@code proof} shows the tree ({@code size2}, {@code root2}) extends ({@code size1}, {@code root1}) (RFC 9162 2.1.4.2). */
    public static boolean verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        if (size1 < 0 || size2 < size1 || root1 == null || root2 == null || proof == null) {
            return false;
        }
        if (size1 == size2) {
            return proof.isEmpty() && MessageDigest.isEqual(root1, root2);
        }
        if (size1 == 0) {
            return proof.isEmpty() && MessageDigest.isEqual(root1, EMPTY_ROOT);
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(size1) == 1) {
            path.addFirst(root1);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.getFirst();
        byte[] sr = path.getFirst();
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0 || c == null || c.length != 32) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, root1) && MessageDigest.isEqual(sr, root2);
    }

    /** The largest power of two strictly below {@code n} (n >= 2). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    static boolean same(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
