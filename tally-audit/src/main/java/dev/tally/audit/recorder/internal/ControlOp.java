package dev.tally.audit.recorder.internal;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.PrunePlan;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Work the writer does only after everything queued before it: these ops never spill, and the
 * caller always waits for them.
 */
sealed interface ControlOp {

    /** Answers the waiting caller with {@code error}; a close is simply done. */
    default void fail(RuntimeException error) {
        switch (this) {
            case Flush f -> f.done().completeExceptionally(error);
            case Change c -> c.done().completeExceptionally(error);
            case Prune p -> p.done().completeExceptionally(error);
            case Rotate r -> r.done().completeExceptionally(error);
            case Close c -> c.done().complete(null);
        }
    }

    /** Everything queued before is durable. */
    record Flush(CompletableFuture<Void> done) implements ControlOp {
    }

    /** Admin changes and their events (in order, one event per change) in one transaction of their own. */
    record Change(java.util.List<AdminChange> changes, java.util.List<AdminEvent> events, CompletableFuture<Void> done)
            implements ControlOp {

        public Change {
            changes = java.util.List.copyOf(changes);
            events = java.util.List.copyOf(events);
        }
    }

    /**
     * A retention run as {@code plan}ned on the caller's thread (null: nothing was prunable, or the
     * store derives no rows); on the {@code lastTry} the writer plans again itself if it must.
     */
    record Prune(Instant before, String actor, PrunePlan plan, boolean lastTry,
            CompletableFuture<Retention.Outcome> done) implements ControlOp {
    }

    /** Rotate the signing key: announce the next key in a head signed by the current one, then switch. */
    record Rotate(CompletableFuture<dev.tally.audit.recorder.KeyRotated> done) implements ControlOp {
    }

    /**
     * Drain what can be drained by {@code deadlineNanos} (a {@link System#nanoTime()} value), final
     * checkpoint, sync the journal, stop. {@code done} gets what became of the writes, or null when
     * the writer had already stopped.
     */
    record Close(long deadlineNanos, CompletableFuture<dev.tally.audit.recorder.CloseResult> done)
            implements ControlOp {
    }
}
