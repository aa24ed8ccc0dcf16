package dev.tally.audit.store;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import java.util.List;

/**
 * What the writer commits in one store transaction, in this order: opening markers inserted,
 * entries appended (a call record deletes its own opening marker and updates the rollups),
 * admin changes applied, payloads stored, checkpoints stored. All or nothing.
 *
 * @param chain the chain every entry belongs to
 * @param openings markers of calls now in flight
 * @param entries consecutive entries of the chain, in seq order
 * @param changes admin changes recorded by admin events among {@code entries}
 * @param checkpoints signed checkpoints over entries of this or earlier batches
 * @param payloads kept payloads, each of a call record among {@code entries}
 * @param frontiers the Merkle tree's frontier (hex, see {@link dev.tally.audit.chain.MerkleFrontier#toHex()})
 *     at the seq of each checkpoint that has one, by seq; stored with the checkpoint
 */
public record WriteBatch(
        String chain,
        List<CallOpening> openings,
        List<ChainedEntry> entries,
        List<AdminChange> changes,
        List<SignedHead> checkpoints,
        List<StoredPayload> payloads,
        java.util.Map<Long, List<String>> frontiers) {

    public WriteBatch {
        frontiers = java.util.Map.copyOf(frontiers);
        payloads = List.copyOf(payloads);
        openings = List.copyOf(openings);
        entries = List.copyOf(entries);
        changes = List.copyOf(changes);
        checkpoints = List.copyOf(checkpoints);
    }

    /** A batch without frontiers. */
    public WriteBatch(String chain, List<CallOpening> openings, List<ChainedEntry> entries, List<AdminChange> changes,
            List<SignedHead> checkpoints, List<StoredPayload> payloads) {
        this(chain, openings, entries, changes, checkpoints, payloads, java.util.Map.of());
    }

    /** A batch without payloads. */
    public WriteBatch(String chain, List<CallOpening> openings, List<ChainedEntry> entries,
            List<AdminChange> changes, List<SignedHead> checkpoints) {
        this(chain, openings, entries, changes, checkpoints, List.of());
    }

    /** This batch with {@code more} payloads added. */
    public WriteBatch withPayloads(List<StoredPayload> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<StoredPayload> all = new java.util.ArrayList<>(payloads);
        all.addAll(more);
        return new WriteBatch(chain, openings, entries, changes, checkpoints, all, frontiers);
    }

    public boolean isEmpty() {
        return openings.isEmpty() && entries.isEmpty() && changes.isEmpty() && checkpoints.isEmpty();
    }
}
