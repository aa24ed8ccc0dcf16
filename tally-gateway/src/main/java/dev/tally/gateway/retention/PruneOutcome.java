package dev.tally.gateway.retention;

import java.time.Instant;

/** How one kind of pruning (entries or payloads) ended in a retention run. Immutable. */
public sealed interface PruneOutcome {

    /** Nothing was pruned because this kind is kept forever. */
    record KeptForever() implements PruneOutcome {
    }

    /**
     * The pruning ran.
     *
     * @param before the cut-off: what was made before it is gone
     * @param deleted how many were deleted (0 when nothing was old enough)
     */
    record Pruned(Instant before, long deleted) implements PruneOutcome {
    }

    /**
     * The pruning failed; nothing of it took effect for entries (one transaction), possibly some
     * chunks for payloads. The next run tries again.
     *
     * @param before the cut-off that was attempted
     * @param error the failure's message (store messages never contain secrets)
     */
    record Failed(Instant before, String error) implements PruneOutcome {
    }

    /** The number deleted, 0 unless {@link Pruned}. */
    default long deleted() {
        return switch (this) {
            case KeptForever k -> 0;
            case Pruned p -> p.deleted();
            case Failed f -> 0;
        };
    }
}
