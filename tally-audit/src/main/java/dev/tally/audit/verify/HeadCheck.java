package dev.tally.audit.verify;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The signed heads of one chain on their own: every signature (with key rotation), the purpose
 * and chain each names, and the prev_head links between consecutive checkpoints. Problems go to a
 * sink as (seq, reason). Not thread-safe: one instance per run.
 */
final class HeadCheck {

    private HeadCheck() {
    }

    /**
     * Checks {@code checkpoints} (in seq order) and {@code anchor} (or null) of {@code chain}.
     * {@code keys} are the keys trusted at the start; a head that verifies and carries
     * {@code next_key} adds that key for the heads after it.
     */
    static void check(String chain, List<SignedHead> checkpoints, SignedHead anchor, Map<String, PublicKey> keys,
            boolean pinned, BiConsumer<Long, String> bad) {
        Map<String, PublicKey> trusted = new HashMap<>(keys);
        List<SignedHead> heads = new ArrayList<>(checkpoints);
        heads.sort(Comparator.comparingLong(SignedHead::seq));
        if (anchor != null) {
            // Last: a retention run after a rotation signs an anchor below the announcing head
            // with the new key, which the checkpoints' announcements make trusted.
            heads.add(anchor);
        }
        for (SignedHead head : heads) {
            String label = (head.purpose() == SignedHead.Purpose.ANCHOR && head == anchor ? "retention anchor"
                    : "checkpoint") + " at seq " + head.seq();
            boolean isAnchor = head == anchor;
            SignedHead.Purpose expected = isAnchor ? SignedHead.Purpose.ANCHOR : SignedHead.Purpose.CHECKPOINT;
            if (head.purpose() != expected || !chain.equals(head.chain())) {
                bad.accept(head.seq(), label + " is a " + head.purpose() + " of chain " + head.chain());
            }
            PublicKey key = head.keyId() == null ? null : trusted.get(head.keyId());
            if (key == null) {
                bad.accept(head.seq(), label + ": signed by unknown key id '" + head.keyId() + "'"
                        + (pinned ? " (not pinned, and not announced by a pinned head)" : ""));
                continue;
            }
            if (!SigningKeys.verify(head, key)) {
                bad.accept(head.seq(), label + ": signature is not valid under key " + head.keyId());
                continue;
            }
            if (head.nextKey() != null) {
                try {
                    PublicKey next = SigningKeys.parsePublicKey(head.nextKey());
                    trusted.put(SigningKeys.keyIdOf(next), next);
                } catch (IllegalArgumentException e) {
                    bad.accept(head.seq(), label + ": next_key is not a public key (" + e.getMessage() + ")");
                }
            }
        }
        for (int i = 0; i < checkpoints.size(); i++) {
            SignedHead head = checkpoints.get(i);
            if (head.v1()) {
                continue; // v1 heads have no link
            }
            if (i == 0) {
                if (head.prevHead() != null && anchor == null) {
                    bad.accept(head.seq(), "checkpoint at seq " + head.seq() + " links to a previous head that is not"
                            + " stored: signed heads before it were deleted");
                }
                continue;
            }
            SignedHead previous = checkpoints.get(i - 1);
            if (!Objects.equals(head.prevHead(), previous.headHash())) {
                bad.accept(head.seq(), "checkpoint at seq " + head.seq() + " does not link to the checkpoint at seq "
                        + previous.seq() + " (prev_head " + head.prevHead() + ", expected " + previous.headHash()
                        + "): a head was deleted, replaced or inserted");
            }
        }
    }
}
