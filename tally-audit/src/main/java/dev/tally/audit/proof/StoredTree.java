package dev.tally.audit.proof;

import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.chain.MerkleTree;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SubtreeHashes;
import dev.tally.audit.store.ChainReads;
import dev.tally.audit.store.AuditStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A chain's Merkle tree as far as the store can give it without rehashing the chain: the perfect
 * subtrees of the stored frontier nearest below a bound (a checkpoint's) and of the retention
 * anchor's, plus the leaves of retained entries, read from the hash column only.
 *
 * <h2>Cost</h2>
 * A node is taken from a stored subtree when it is one; otherwise it is split as RFC 9162 splits
 * it until every piece is a stored subtree or a run of retained leaves. All runs are then read in
 * one pass over {@link AuditStore#entryHashes} and hashed once. So an inclusion proof for the entry
 * at seq {@code s} against a head of size {@code n} reads the hashes of the entries after the last
 * stored frontier at or below {@code s - 1} (at most one head interval back) through {@code n}; a
 * consistency proof from {@code m} reads those after the frontier at or below {@code m} through the
 * larger size. Nothing before the nearest frontier is read.
 *
 * <h2>After retention</h2>
 * Entries through the anchor's seq are gone; the anchor keeps the frontier there. A node of the
 * pruned prefix is computable exactly when it is a union of the anchor's (or the kept checkpoint's)
 * perfect subtrees: always for inclusion proofs of retained entries; a consistency proof from a
 * size inside the pruned prefix may need a node strictly inside one, and then fails with
 * {@link IllegalStateException} saying so.
 *
 * <p>Not thread-safe: one instance per proof.
 */
public final class StoredTree {

    private static final HexFormat HEX = HexFormat.of();

    private record Tile(long start, long end, byte[] hash) {
    }

    private final ChainReads store;
    private final String chain;
    private final TreeMap<Long, Tile> tiles = new TreeMap<>(); // by start
    private final long firstLeaf; // the first leaf index whose entry is retained

    private StoredTree(ChainReads store, String chain, long firstLeaf) {
        this.store = store;
        this.chain = chain;
        this.firstLeaf = firstLeaf;
    }

    /**
     * The tree of {@code chain} using the stored frontier of the latest checkpoint at or below
     * {@code bound} (a tree size) and the anchor's.
     */
    public static StoredTree near(ChainReads store, String chain, long bound) {
        Optional<SignedHead> anchor = store.anchor(chain);
        StoredTree tree = new StoredTree(store, chain, anchor.map(SignedHead::seq).orElse(0L));
        // One frontier: the larger of the anchor's and the checkpoint's (it covers the other's range).
        Optional<MerkleFrontier> fromAnchor = anchor.flatMap(a -> store.frontier(chain, a.seq()));
        Optional<MerkleFrontier> fromCheckpoint = store.checkpointAtOrBefore(chain, bound)
                .filter(c -> anchor.isEmpty() || c.seq() > anchor.get().seq())
                .flatMap(c -> store.frontier(chain, c.seq()));
        fromCheckpoint.or(() -> fromAnchor).ifPresent(tree::addTiles);
        return tree;
    }

    private void addTiles(MerkleFrontier frontier) {
        long at = 0;
        List<String> hashes = frontier.toHex();
        int i = 0;
        for (long bit = Long.highestOneBit(frontier.size()); bit > 0; bit >>= 1) {
            if ((frontier.size() & bit) != 0) {
                tiles.put(at, new Tile(at, at + bit, HEX.parseHex(hashes.get(i++))));
                at += bit;
            }
        }
    }

    /** The frontier of the tree of {@code size} leaves. */
    public MerkleFrontier frontierAt(long size) {
        List<long[]> ranges = new ArrayList<>();
        long at = 0;
        for (long bit = Long.highestOneBit(size); bit > 0; bit >>= 1) {
            if ((size & bit) != 0) {
                ranges.add(new long[] {at, at + bit});
                at += bit;
            }
        }
        Map<String, byte[]> hashes = compute(ranges);
        List<String> hex = new ArrayList<>();
        for (long[] r : ranges) {
            hex.add(HEX.formatHex(hashes.get(key(r[0], r[1]))));
        }
        return MerkleFrontier.of(size, hex);
    }

    /** The audit path of leaf {@code index} in the tree of {@code size} (see {@link MerkleTree#inclusionPath}). */
    public List<byte[]> inclusionPath(long index, long size) {
        List<long[]> wanted = new ArrayList<>();
        MerkleTree.inclusionPath(index, size, recorder(wanted));
        Map<String, byte[]> hashes = compute(wanted);
        return MerkleTree.inclusionPath(index, size, (s, e) -> hashes.get(key(s, e)));
    }

    /** The consistency proof from {@code size1} to {@code size2} (see {@link MerkleTree#consistencyProof}). */
    public List<byte[]> consistencyProof(long size1, long size2) {
        List<long[]> wanted = new ArrayList<>();
        MerkleTree.consistencyProof(size1, size2, recorder(wanted));
        Map<String, byte[]> hashes = compute(wanted);
        return MerkleTree.consistencyProof(size1, size2, (s, e) -> hashes.get(key(s, e)));
    }

    private static SubtreeHashes recorder(List<long[]> wanted) {
        return (start, end) -> {
            wanted.add(new long[] {start, end});
            return new byte[32];
        };
    }

    // ---- planning: every wanted node as stored subtrees and runs of leaves ----

    private sealed interface Piece {
    }

    private record Stored(byte[] hash) implements Piece {
    }

    private record Leaves(long start, long end) implements Piece {
    }

    private record Split(Piece left, Piece right) implements Piece {
    }

    private Piece plan(long start, long end) {
        Tile exact = tiles.get(start);
        if (exact != null && exact.end() == end) {
            return new Stored(exact.hash());
        }
        Map.Entry<Long, Tile> below = tiles.floorEntry(start);
        Tile containing = below != null && below.getValue().end() > start ? below.getValue() : null;
        if (start >= firstLeaf && (containing == null ? tiles.ceilingKey(start) == null
                || tiles.ceilingKey(start) >= end : end <= containing.end())) {
            return new Leaves(start, end);
        }
        if (end - start == 1 || (containing == null && start < firstLeaf)) {
            throw new IllegalStateException("chain " + chain + ": the proof needs the subtree of seqs " + (start + 1) + ".."
                    + end + ", inside the prefix pruned through seq " + firstLeaf + "; only the perfect subtrees of the"
                    + " retention anchor's frontier are kept");
        }
        long k = Long.highestOneBit(end - start - 1);
        return new Split(plan(start, start + k), plan(start + k, end));
    }

    private Map<String, byte[]> compute(List<long[]> wanted) {
        Map<String, Piece> plans = new HashMap<>();
        TreeMap<Long, Leaves> runs = new TreeMap<>();
        for (long[] r : wanted) {
            Piece piece = plan(r[0], r[1]);
            plans.put(key(r[0], r[1]), piece);
            collect(piece, runs);
        }
        Map<String, byte[]> runHashes = readRuns(runs);
        Map<String, byte[]> result = new HashMap<>();
        plans.forEach((k, piece) -> result.put(k, evaluate(piece, runHashes)));
        return result;
    }

    private static void collect(Piece piece, TreeMap<Long, Leaves> runs) {
        switch (piece) {
            case Stored stored -> { }
            case Leaves leaves -> runs.put(leaves.start(), leaves);
            case Split split -> {
                collect(split.left(), runs);
                collect(split.right(), runs);
            }
        }
    }

    private static byte[] evaluate(Piece piece, Map<String, byte[]> runHashes) {
        return switch (piece) {
            case Stored stored -> stored.hash();
            case Leaves leaves -> runHashes.get(key(leaves.start(), leaves.end()));
            case Split split -> MerkleTree.nodeHash(evaluate(split.left(), runHashes), evaluate(split.right(), runHashes));
        };
    }

    /** One pass over the hash column for every run (runs are disjoint: nodes of one proof never overlap). */
    private Map<String, byte[]> readRuns(TreeMap<Long, Leaves> runs) {
        Map<String, byte[]> result = new HashMap<>();
        if (runs.isEmpty()) {
            return result;
        }
        long from = runs.firstKey();
        long to = runs.values().stream().mapToLong(Leaves::end).max().orElseThrow();
        long[] expected = {from};
        MerkleFrontier[] current = {null};
        Leaves[] run = {null};
        store.entryHashes(chain, from + 1, to, (hash, seq) -> {
            long index = seq - 1;
            if (index != expected[0]) {
                throw new IllegalStateException("chain " + chain + ": the entry at seq " + (expected[0] + 1)
                        + " is missing (next stored: seq " + seq + ")");
            }
            expected[0] = index + 1;
            if (run[0] == null || index >= run[0].end()) {
                Map.Entry<Long, Leaves> next = runs.floorEntry(index);
                run[0] = next != null && next.getValue().end() > index ? next.getValue() : null;
                current[0] = run[0] == null ? null : new MerkleFrontier();
            }
            if (current[0] != null) {
                current[0].appendEntry(hash);
                if (index + 1 == run[0].end()) {
                    result.put(key(run[0].start(), run[0].end()), current[0].root());
                    run[0] = null;
                    current[0] = null;
                }
            }
        });
        for (Leaves leaves : runs.values()) {
            if (!result.containsKey(key(leaves.start(), leaves.end()))) {
                throw new IllegalStateException("chain " + chain + ": entries of seqs " + (leaves.start() + 1) + ".."
                        + leaves.end() + " are not all stored");
            }
        }
        return result;
    }

    private static String key(long start, long end) {
        return start + ":" + end;
    }
}
