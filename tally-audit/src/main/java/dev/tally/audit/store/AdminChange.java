package dev.tally.audit.store;

import java.util.List;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.keys.VirtualKey;

/**
 * A change to admin state, applied by the store in the same transaction as the
 * {@link dev.tally.audit.entry.AdminEvent} that records it: if either fails, neither happens.
 */
public sealed interface AdminChange {

    /** Inserts a new key; fails if the id or name exists. */
    record CreateKey(VirtualKey key) implements AdminChange {
    }

    /** Replaces a key's mutable fields (name, limits, budget, expiry, enabled, policy, tags). */
    record UpdateKey(VirtualKey key) implements AdminChange {
    }

    /** Marks a key revoked. */
    record RevokeKey(String keyId, java.time.Instant at) implements AdminChange {
    }

    /** Stores an admin setting by name (e.g. the last run's audit settings). */
    record PutSetting(String name, String value) implements AdminChange {
    }

    /**
     * Deletes the chain's entries through {@code anchor.seq()} and keeps {@code anchor} as the
     * chain's new starting point, so the rest still verifies. Checkpoints before the anchor's
     * seq go too (they speak of deleted entries), and so do the kept payloads of the deleted
     * call records (a payload never outlives its record); an anchor may not move backwards.
     * Rollups are kept. The newest checkpoint at or below the anchor is kept, so the signed
     * prev_head links of the retained checkpoints still start at a stored head.
     *
     * @param anchor the signed retention anchor
     * @param frontier the Merkle frontier (hex) at the anchor's seq, stored with it so subtrees of
     *     the pruned prefix stay computable; null for an anchor without a tree (v1)
     */
    record Prune(SignedHead anchor, List<String> frontier) implements AdminChange {

        public Prune {
            frontier = frontier == null ? null : List.copyOf(frontier);
        }

        /** A v1 prune, without a frontier. */
        public Prune(SignedHead anchor) {
            this(anchor, null);
        }
    }

    /**
     * Inserts a {@code cost_adjustments} row, recorded by its {@code cost_adjustment} event
     * ({@link dev.tally.audit.adjust.CostAdjustment#toEvent}); the call record is never touched.
     * Fails if a row with the adjustment's id exists.
     */
    record AdjustCost(dev.tally.audit.adjust.CostAdjustment adjustment) implements AdminChange {

        public AdjustCost {
            java.util.Objects.requireNonNull(adjustment, "adjustment");
        }
    }
}
