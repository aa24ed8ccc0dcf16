package dev.tally.gateway.retention;

import java.time.Instant;
import java.util.Objects;

/**
 * What one retention run did. Immutable.
 *
 * @param at when the run started (its cut-offs are measured back from here)
 * @param entries pruning of the audit log's entries (call records and events)
 * @param payloads pruning of kept payloads
 */
public record RetentionOutcome(Instant at, PruneOutcome entries, PruneOutcome payloads) {

    public RetentionOutcome {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(payloads, "payloads");
    }

    /** Whether either part failed. */
    public boolean failed() {
        return entries instanceof PruneOutcome.Failed || payloads instanceof PruneOutcome.Failed;
    }
}
