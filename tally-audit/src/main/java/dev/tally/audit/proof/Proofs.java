package dev.tally.audit.proof;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.store.ChainReads;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds inclusion and consistency proofs from a store (RFC 9162 section 2.1), against the chain's
 * stored signed heads. What a proof reads is described in {@link StoredTree}: the hash column of
 * the entries after the nearest stored frontier, never the whole chain.
 *
 * <p>Thread-safe: every call reads the store afresh and keeps no state.
 */
public final class Proofs {

    private static final HexFormat HEX = HexFormat.of();

    private final ChainReads store;

    public Proofs(ChainReads store) {
        this.store = store;
    }

    /**
     * The proof that the entry {@code entryId} is in its chain's tree, against the chain's latest
     * signed head. Empty when no entry has that id or no v2 head covers it yet (the caller says
     * "not yet signed, retry in a second").
     *
     * @throws IllegalStateException when the stored tree cannot give the path (rows missing)
     */
    public Optional<InclusionProof> inclusion(String entryId) {
        Optional<ChainedEntry> found = store.entry(entryId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ChainedEntry entry = found.get();
        Optional<SignedHead> head = store.checkpointAtOrBefore(entry.chain(), Long.MAX_VALUE);
        if (head.isEmpty() || head.get().seq() < entry.seq() || head.get().v1()) {
            return Optional.empty();
        }
        long index = entry.seq() - 1;
        List<byte[]> path = StoredTree.near(store, entry.chain(), index).inclusionPath(index, head.get().seq());
        return Optional.of(new InclusionProof(entry, index, path.stream().map(HEX::formatHex).toList(), head.get()));
    }

    /**
     * The proof that the chain's tree at {@code toSize} (the size of a stored head) extends the
     * tree at {@code fromSize}.
     *
     * @throws IllegalArgumentException when {@code toSize} is not the size of a stored v2 head of
     *     the chain, or {@code fromSize} is not in {@code 0..toSize}
     * @throws IllegalStateException when the tree at {@code fromSize} lies inside a pruned prefix in
     *     a way the anchor's frontier cannot give
     */
    public ConsistencyProof consistency(String chain, long fromSize, long toSize) {
        Optional<SignedHead> to = store.checkpointAtOrBefore(chain, toSize);
        if (to.isEmpty() || to.get().seq() != toSize || to.get().v1()) {
            String latest = store.checkpointAtOrBefore(chain, Long.MAX_VALUE).map(h -> "the latest is " + h.seq())
                    .orElse("the chain has none");
            throw new IllegalArgumentException("to: " + toSize + " (expected: the tree size of a stored signed head of"
                    + " chain " + chain + "; " + latest + ")");
        }
        if (fromSize < 0 || fromSize > toSize) {
            throw new IllegalArgumentException("from: " + fromSize + " (expected: 0.." + toSize + ")");
        }
        List<byte[]> proof = StoredTree.near(store, chain, fromSize).consistencyProof(fromSize, toSize);
        return new ConsistencyProof(chain, fromSize, toSize, proof.stream().map(HEX::formatHex).toList(), to.get());
    }

    /** The latest signed head of every chain that has one, by chain. */
    public Map<String, SignedHead> latestHeads() {
        Map<String, SignedHead> heads = new TreeMap<>();
        for (String chain : store.chains()) {
            store.checkpointAtOrBefore(chain, Long.MAX_VALUE).ifPresent(h -> heads.put(chain, h));
        }
        return heads;
    }

    /**
     * The checkpoints of {@code chain} that announce ({@code next_key}) the key with id
     * {@code keyId}, oldest first. Reads every checkpoint of the chain: meant for the rare moment
     * a witness meets a head signed by a key it does not know yet.
     */
    public static List<SignedHead> announcing(ChainReads store, String chain, String keyId) {
        return store.checkpoints(chain).stream()
                .filter(h -> h.nextKey() != null && keyId.equals(announcedKeyId(h)))
                .toList();
    }

    private static String announcedKeyId(SignedHead head) {
        try {
            return dev.tally.audit.chain.SigningKeys.keyIdOf(dev.tally.audit.chain.SigningKeys.parsePublicKey(head.nextKey()));
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }
}
