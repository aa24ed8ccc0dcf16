package dev.tally.audit.store;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import java.util.List;

/**
 * What the writer commits in one store transaction, in this order: opening markers inserted,
 * entries appended (a call record deletes its own opening marker and updates the rollups),
 * admin changes applied, checkpoints stored. All or nothing.
 *
 * @param chain the chain every entry belongs to
 * @param openings markers of calls now in flight
 * @param entries consecutive entries of the chain, in seq order
 * @param changes admin changes recorded by admin events among {@code entries}
 * @param checkpoints signed checkpoints over entries of this or earlier batches
 */
public record WriteBatch(
        String chain,
        List<CallOpening> openings,
        List<ChainedEntry> entries,
        List<AdminChange> changes,
        List<SignedHead> checkpoints) {

    public WriteBatch {
        openings = List.copyOf(openings);
        entries = List.copyOf(entries);
        changes = List.copyOf(changes);
        checkpoints = List.copyOf(checkpoints);
    }

    public boolean isEmpty() {
        return openings.isEmpty() && entries.isEmpty() && changes.isEmpty() && checkpoints.isEmpty();
    }
}
