package dev.tally.audit.verify;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.store.ChainReads;
import dev.tally.audit.store.AuditStore;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Recomputes every chain of a store and checks every signature (DESIGN.md section 2,
 * "Integrity").
 *
 * <p>For each chain, rows are read exactly as stored ({@link AuditStore#scan}) and checked in seq
 * order: seqs are gap-free from 1 (or from the retention anchor's seq + 1, linking to the anchor's
 * hash); each {@code prev_hash} is the previous row's hash; each hash is recomputed from the stored
 * body with {@link EntryHasher}; the body is canonical (parsing and re-encoding gives the same
 * bytes); the index columns agree with the body. Then every checkpoint and the anchor must carry a
 * valid Ed25519 signature, and every checkpoint's hash must equal the stored hash at its seq; a
 * checkpoint beyond the last row means rows were cut from the end.
 *
 * <p>The Merkle tree (see {@link dev.tally.audit.chain.MerkleTree}) is recomputed from the stored
 * entries while scanning, and every signed head's root must equal the tree's root at its size; each
 * checkpoint's prev_head must be the head hash of the checkpoint before it. A chain holding an
 * {@code integrity_alert} event (the writer found it altered at start) is not OK at the alert's seq.
 * The report also says how many entries no head covers yet ({@link ChainReport#unsignedEntries}).
 *
 * <p>Signatures are checked with the caller's trusted public keys when given ({@link KeyTrust#PINNED};
 * an attacker who can write the store could also replace the keys it registers, so then a head
 * signed by any other key is not OK), otherwise with the keys registered in the store
 * ({@link KeyTrust#STORE_LISTED}). Either way, a head that verifies and announces a
 * {@code next_key} makes that key trusted for the heads after it (key rotation).
 *
 * <p>The report names the lowest seq where the chain stops verifying: for an edited row its seq,
 * for a deleted row its seq (the first missing one), for an inserted row its seq, for two swapped
 * rows the lower seq.
 *
 * <p>Thread-safe if the store is; each {@link #verify} call reads the store afresh.
 */
public final class Verifier {

    private final ChainReads store;
    private final Map<String, PublicKey> trustedKeys;

    /** A verifier that trusts the signing keys registered in {@code store}. */
    public Verifier(ChainReads store) {
        this(store, Map.of());
    }

    /**
     * A verifier that accepts only signatures by {@code trustedKeys} (by key id, see
     * {@link SigningKeys#keyIdOf}); when empty, the keys registered in the store are used.
     */
    public Verifier(ChainReads store, Map<String, PublicKey> trustedKeys) {
        this.store = store;
        this.trustedKeys = Map.copyOf(trustedKeys);
    }

    /** A verifier trusting exactly one exported public key (one line of base64 X.509). */
    public static Verifier trusting(ChainReads store, String publicKeyBase64) {
        PublicKey key = SigningKeys.parsePublicKey(publicKeyBase64);
        return new Verifier(store, Map.of(SigningKeys.keyIdOf(key), key));
    }

    /** Verifies every chain; returns when all were read. */
    public VerifyReport verify() {
        Map<String, PublicKey> keys = keys();
        List<ChainReport> reports = new ArrayList<>();
        for (String chain : store.chains()) {
            reports.add(new ChainCheck(store, chain, keys, pinned(), List.of()).run());
        }
        return new VerifyReport(reports.stream().allMatch(ChainReport::ok), reports);
    }

    /** Verifies one chain. */
    public ChainReport verify(String chain) {
        return new ChainCheck(store, chain, keys(), pinned(), List.of()).run();
    }

    /**
     * Verifies every chain as {@link #verify()} does, and that every head in {@code saved} (heads a
     * witness saw earlier, e.g. {@code tally heads} output) is still extended by its chain: a chain
     * named there that is gone, is shorter than the saved tree size, or whose tree at that size has
     * another root fails, with a reason naming the chain.
     */
    public VerifyReport since(List<SignedHead> saved) {
        Map<String, PublicKey> keys = keys();
        Map<String, List<SignedHead>> byChain = new TreeMap<>();
        for (SignedHead head : saved) {
            byChain.computeIfAbsent(head.chain(), c -> new ArrayList<>()).add(head);
        }
        List<String> chains = store.chains();
        List<ChainReport> reports = new ArrayList<>();
        for (String chain : chains) {
            reports.add(new ChainCheck(store, chain, keys, pinned(), byChain.getOrDefault(chain, List.of())).run());
        }
        byChain.forEach((chain, heads) -> {
            if (!chains.contains(chain)) {
                long size = heads.stream().mapToLong(SignedHead::seq).max().orElse(0);
                reports.add(new ChainReport(chain, 0, 0, EntryHasher.GENESIS, 0, new FirstBad(1, "chain " + chain
                        + " is gone: a saved head has tree size " + size + " but the store has no such chain"), 0, null,
                        pinned() ? KeyTrust.PINNED : KeyTrust.STORE_LISTED));
            }
        });
        return new VerifyReport(reports.stream().allMatch(ChainReport::ok), reports);
    }

    private boolean pinned() {
        return !trustedKeys.isEmpty();
    }

    private Map<String, PublicKey> keys() {
        if (!trustedKeys.isEmpty()) {
            return trustedKeys;
        }
        Map<String, PublicKey> keys = new HashMap<>();
        for (Map.Entry<String, String> registered : store.signingKeys().entrySet()) {
            try {
                keys.put(registered.getKey(), SigningKeys.parsePublicKey(registered.getValue()));
            } catch (IllegalArgumentException e) {
                // an unreadable registered key verifies nothing; signatures under it are reported
            }
        }
        return keys;
    }

    /** Whether {@code head} is signed by the key its key id names. */
    static Optional<String> signatureProblem(SignedHead head, Map<String, PublicKey> keys) {
        PublicKey key = head.keyId() == null ? null : keys.get(head.keyId());
        if (key == null) {
            return Optional.of("signed by unknown key id '" + head.keyId() + "'");
        }
        if (!SigningKeys.verify(head, key)) {
            return Optional.of("signature is not valid under key " + head.keyId());
        }
        return Optional.empty();
    }
}
