package dev.tally.gateway.retention;

import java.util.Optional;

/**
 * Counters of the retention scheduler since start, for metrics and health. Immutable snapshot.
 *
 * @param runs retention runs finished (failed ones included)
 * @param failedRuns runs in which pruning entries or payloads failed (logged each time)
 * @param entriesDeleted audit log entries pruned
 * @param payloadsDeleted kept payloads pruned (on their own retention; those of pruned records not counted)
 * @param last the most recent run, empty before the first one finished
 */
public record RetentionStats(long runs, long failedRuns, long entriesDeleted, long payloadsDeleted,
        Optional<RetentionOutcome> last) {
}
