package dev.tally.cli.witness;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.proof.ConsistencyProof;
import dev.tally.cli.options.PublicKeys;
import dev.tally.cli.source.IntegritySource;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One witness check: compares the heads a log shows now with the heads saved from the last check,
 * the way a Certificate Transparency monitor does (RFC 9162 section 8.2), and returns the new
 * state.
 *
 * <p>For every saved chain: gone from the log is {@link Finding.Kind#VANISHED}; a smaller tree is
 * {@link Finding.Kind#ROLLBACK}; the same size with another root, or a larger tree whose
 * consistency proof from the saved size does not lead from the saved root to the new root, is
 * {@link Finding.Kind#FORK}; a head whose signature does not check out under a trusted key is
 * {@link Finding.Kind#BAD_SIGNATURE}. A chain with a finding keeps its saved head in the new
 * state, so the alarm repeats at every check until someone looks; a chain that checks out saves
 * the new head. New chains are saved once their head's signature checks out.
 *
 * <p>Trusted keys are the pinned ones when given, else the keys the log lists (the log's own word,
 * said as such by {@link #pinned()}). A key announced ({@code next_key}) by a saved head that was
 * itself accepted is trusted too: that is how a rotation passes. A rotation may fall between two
 * checks, so the head that announced the key is then asked for ({@code GET /v1/admin/heads?chain=
 * &announcing=}): it is trusted when it is signed by a trusted key and the latest tree extends its
 * tree; the key is then remembered while this witness runs.
 *
 * <p>Not thread-safe; one per witness run.
 */
public final class Witness {

    private final IntegritySource source;
    private final Map<String, PublicKey> pinned;
    private final Map<String, PublicKey> learned = new HashMap<>(); // rotated keys whose announcement checked out

    /**
     * @param source where the heads and proofs come from
     * @param pinned trusted keys by key id; empty = trust the keys the log lists
     */
    public Witness(IntegritySource source, Map<String, PublicKey> pinned) {
        this.source = source;
        this.pinned = Map.copyOf(pinned);
    }

    /** Whether signatures are checked against pinned keys (else against the keys the log lists). */
    public boolean pinned() {
        return !pinned.isEmpty();
    }

    /** Checks the log against {@code saved}; returns the state to save, with what was found at {@code now}. */
    public WitnessState check(WitnessState saved, Instant now) {
        Map<String, SignedHead> current = source.latestHeads();
        Map<String, PublicKey> keys = new HashMap<>(pinned.isEmpty() ? PublicKeys.listed(source.listedKeys()) : pinned);
        saved.heads().values().forEach(head -> announced(head).ifPresent(key -> keys.put(SigningKeys.keyIdOf(key), key)));
        keys.putAll(learned);
        current.values().forEach(head -> learnRotatedKey(head, keys));
        Map<String, SignedHead> next = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        for (SignedHead old : saved.heads().values()) {
            String chain = old.chain();
            SignedHead latest = current.get(chain);
            String savedProblem = signatureProblem(old, keys);
            Finding finding = savedProblem != null
                    ? new Finding(chain, Finding.Kind.BAD_SIGNATURE, "the saved head at tree size " + old.seq() + ": "
                            + savedProblem + " (the state file was edited, or was written for another log)")
                    : latest == null
                    ? new Finding(chain, Finding.Kind.VANISHED, "the log shows no head for this chain any more (saved: tree size "
                            + old.seq() + ", root " + old.root() + ")")
                    : compare(old, latest, keys);
            if (finding == null) {
                next.put(chain, latest);
            } else {
                findings.add(finding);
                next.put(chain, old);
            }
        }
        for (SignedHead head : current.values()) {
            if (saved.heads().containsKey(head.chain())) {
                continue;
            }
            String problem = signatureProblem(head, keys);
            if (problem == null) {
                next.put(head.chain(), head);
            } else {
                findings.add(new Finding(head.chain(), Finding.Kind.BAD_SIGNATURE, "new chain's head at tree size "
                        + head.seq() + ": " + problem));
            }
        }
        return new WitnessState(next, now, findings);
    }

    /** The finding for a chain whose saved head is {@code old} and whose head now is {@code now}, or null. */
    private Finding compare(SignedHead old, SignedHead now, Map<String, PublicKey> keys) {
        String chain = old.chain();
        if (now.seq() < old.seq()) {
            return new Finding(chain, Finding.Kind.ROLLBACK, "tree size " + now.seq() + " is smaller than the saved "
                    + old.seq() + " (saved root " + old.root() + ", now " + now.root() + ")");
        }
        String signature = signatureProblem(now, keys);
        if (signature != null) {
            return new Finding(chain, Finding.Kind.BAD_SIGNATURE, "head at tree size " + now.seq() + ": " + signature);
        }
        if (now.seq() == old.seq()) {
            return old.root() != null && old.root().equals(now.root()) ? null
                    : new Finding(chain, Finding.Kind.FORK, "tree size " + now.seq() + " now has root " + now.root()
                            + ", the saved head says " + old.root());
        }
        ConsistencyProof proof;
        try {
            proof = source.consistency(chain, old.seq(), now.seq());
        } catch (IllegalArgumentException e) {
            return new Finding(chain, Finding.Kind.FORK, "no consistency proof from tree size " + old.seq() + " to "
                    + now.seq() + ": " + e.getMessage());
        }
        if (!now.headHash().equals(proof.to().headHash())) {
            return new Finding(chain, Finding.Kind.FORK, "the consistency proof to tree size " + now.seq()
                    + " comes with another head (" + proof.to().headHash() + ", listed " + now.headHash() + ")");
        }
        List<String> problems = ConsistencyProof.problems(old, proof, keys);
        return problems.isEmpty() ? null : new Finding(chain, Finding.Kind.FORK, "tree size " + now.seq()
                + " does not extend the saved tree size " + old.seq() + ": " + String.join("; ", problems));
    }

    /**
     * When {@code latest} is signed by a key not in {@code keys}, looks for the head that
     * announced it (a key rotation, which may lie between two polls): one signed by a trusted key,
     * at or below {@code latest}'s size, whose tree {@code latest}'s extends (a consistency proof
     * from it to {@code latest}, or the same root at the same size). Then the key is trusted. A
     * chain of rotations between two polls is followed back up to {@value #MAX_ROTATIONS} steps.
     * Nothing is learned from a head that fails any check; the signature check then reports it.
     */
    private void learnRotatedKey(SignedHead latest, Map<String, PublicKey> keys) {
        java.util.Deque<String> wanted = new java.util.ArrayDeque<>();
        wanted.push(latest.keyId() == null ? "" : latest.keyId());
        int steps = 0;
        while (!wanted.isEmpty() && steps++ < 2 * MAX_ROTATIONS) {
            String keyId = wanted.peek();
            if (keys.containsKey(keyId)) {
                wanted.pop();
                continue;
            }
            boolean progress = false;
            for (SignedHead announcement : source.announcing(latest.chain(), keyId)) {
                if (!latest.chain().equals(announcement.chain()) || announcement.seq() > latest.seq()
                        || announcement.keyId() == null) {
                    continue;
                }
                if (!keys.containsKey(announcement.keyId())) {
                    if (!wanted.contains(announcement.keyId())) {
                        wanted.push(announcement.keyId()); // announced by a key announced in its turn
                        progress = true;
                        break;
                    }
                    continue;
                }
                if (signatureProblem(announcement, keys) == null && extends_(announcement, latest, keys)) {
                    announced(announcement).ifPresent(key -> {
                        keys.put(SigningKeys.keyIdOf(key), key);
                        learned.put(SigningKeys.keyIdOf(key), key); // not asked again while this witness runs
                    });
                    progress = true;
                    break;
                }
            }
            if (!progress) {
                return;
            }
        }
    }

    private static final int MAX_ROTATIONS = 8;

    /** Whether {@code latest}'s tree extends {@code earlier}'s (whose signature was checked). */
    private boolean extends_(SignedHead earlier, SignedHead latest, Map<String, PublicKey> keys) {
        if (earlier.seq() == latest.seq()) {
            return earlier.root() != null && earlier.root().equals(latest.root());
        }
        try {
            ConsistencyProof proof = source.consistency(latest.chain(), earlier.seq(), latest.seq());
            Map<String, PublicKey> withNext = new HashMap<>(keys);
            announced(earlier).ifPresent(key -> withNext.put(SigningKeys.keyIdOf(key), key));
            return latest.headHash().equals(proof.to().headHash()) && ConsistencyProof.problems(earlier, proof, withNext)
                    .isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Null when {@code head} is signed by the trusted key its key id names, else what is wrong. */
    private static String signatureProblem(SignedHead head, Map<String, PublicKey> keys) {
        PublicKey key = head.keyId() == null ? null : keys.get(head.keyId());
        if (key == null) {
            return "signed by key id '" + head.keyId() + "', which is not trusted";
        }
        return SigningKeys.verify(head, key) ? null : "signature is not valid under key " + head.keyId();
    }

    private static java.util.Optional<PublicKey> announced(SignedHead head) {
        if (head.nextKey() == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(SigningKeys.parsePublicKey(head.nextKey()));
        } catch (IllegalArgumentException unreadable) {
            return java.util.Optional.empty();
        }
    }
}
