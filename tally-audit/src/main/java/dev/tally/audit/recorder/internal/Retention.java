package dev.tally.audit.recorder.internal;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.json.Json;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.store.PrunePlan;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A retention run of one chain, in two halves so that the writer thread, which every call's
 * record waits behind, does not spend the seconds the rollup digest can take.
 *
 * <h2>Design</h2>
 * The caller's thread ({@link #plan}) reads, from one snapshot of the store, which entries the
 * run prunes and the {@link dev.tally.audit.rollup.RollupDigest} of what they leave in the
 * rollups ({@link DerivedRows#planPrune}): the expensive part, every rollup row before
 * {@code until}. The writer thread ({@link #apply}) then checks that the plan still holds
 * ({@link PrunePlan#holds}: the same anchor, and no entry committed since that could join the
 * pruned prefix; both known without reading the rollups), signs the anchor with the digest and
 * commits the prune with its {@code retention_run} event, as one admin change. Calls committed
 * between the snapshot and the commit are retained and leave the digest true (see
 * {@link PrunePlan}). A plan that no longer holds is answered {@link Outcome.Stale} and the
 * caller plans once more; on that last try the writer computes the plan itself, reading on its
 * own thread as before, so a run always ends.
 *
 * <p>A store that derives no rows (not {@link DerivedRows}) has no digest: the writer finds the
 * prunable entries itself and signs the anchor without one.
 *
 * <p>{@link #plan} is thread-safe; {@link #apply} runs on the writer thread only.
 */
final class Retention {

    /** What the writer answers a prune with. */
    sealed interface Outcome {

        /** Done: the new anchor, or empty when no entry was old enough. */
        record Pruned(Optional<SignedHead> anchor) implements Outcome {
        }

        /** The plan no longer holds (an entry committed since may be prunable, or the anchor moved). */
        record Stale() implements Outcome {
        }
    }

    private final AuditStore store;
    private final String chain;
    private final ChainCursor cursor;
    private final IdSource ids;
    private final Clock clock;

    Retention(AuditStore store, String chain, ChainCursor cursor, IdSource ids, Clock clock) {
        this.store = store;
        this.chain = chain;
        this.cursor = cursor;
        this.ids = ids;
        this.clock = clock;
    }

    /** On the caller's thread: the plan of a run with cut-off {@code before}, or null when there is none to make. */
    PrunePlan plan(Instant before) {
        return store instanceof DerivedRows rows ? rows.planPrune(chain, before).orElse(null) : null;
    }

    /**
     * On the writer thread, after everything queued before is committed: prunes as {@code op}
     * planned, or answers {@link Outcome.Stale}. {@code commit} commits the prune and its event in
     * one transaction (the writer's admin change path).
     */
    Outcome apply(ControlOp.Prune op, BiConsumer<AdminChange.Prune, AdminEvent> commit) {
        ChainHead through;
        String rollupDigest = null;
        if (store instanceof DerivedRows rows) {
            PrunePlan plan = op.plan();
            long anchorSeq = store.anchor(chain).map(SignedHead::seq).orElse(0L);
            if (plan == null || !plan.holds(anchorSeq, cursor.seq())) {
                if (plan == null && store.prunableThrough(chain, op.before()).isEmpty()) {
                    return new Outcome.Pruned(Optional.empty());
                }
                if (!op.lastTry()) {
                    return new Outcome.Stale();
                }
                // Rare: entries were committed during both plans. Nothing commits to the chain while
                // this thread reads, so a plan made here holds.
                Optional<PrunePlan> here = rows.planPrune(chain, op.before());
                if (here.isEmpty()) {
                    return new Outcome.Pruned(Optional.empty());
                }
                plan = here.get();
            }
            through = plan.through();
            rollupDigest = plan.digest().text();
        } else {
            Optional<ChainHead> prunable = store.prunableThrough(chain, op.before());
            if (prunable.isEmpty()) {
                return new Outcome.Pruned(Optional.empty());
            }
            through = prunable.get();
        }
        Instant now = clock.instant();
        AdminChange.Prune prune = cursor.anchor(store, through, now);
        // The rollups the pruned calls leave behind, checked by verify --deep (RollupDigest):
        // a v2 anchor signs it; the retention_run event carries it too (alone for a v1 anchor).
        if (rollupDigest != null && !prune.anchor().v1()) {
            prune = new AdminChange.Prune(cursor.keys().sign(prune.anchor().withRollupDigest(rollupDigest)),
                    prune.frontier());
        }
        Map<String, String> after = new TreeMap<>(Map.of("before", Json.INSTANT_FORMAT.format(op.before()),
                "pruned_through_seq", Long.toString(through.seq())));
        if (rollupDigest != null) {
            after.put(DerivedRows.ROLLUP_DIGEST, rollupDigest);
        }
        AdminEvent event = new AdminEvent(ids.next(), now, AdminEventType.RETENTION_RUN, op.actor(), chain,
                Map.of(), after, "pruned entries of chain " + chain + " through seq " + through.seq());
        commit.accept(prune, event);
        return new Outcome.Pruned(Optional.of(prune.anchor()));
    }
}
