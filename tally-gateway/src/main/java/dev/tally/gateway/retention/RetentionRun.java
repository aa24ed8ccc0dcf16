package dev.tally.gateway.retention;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.store.AuditStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One retention pass over this instance's audit log: entries older than {@code audit.retention}
 * and kept payloads older than {@code audit.payload_retention}, both measured back from the
 * injected clock's now.
 *
 * <p>Entries go through {@link Recorder#prune}: in one transaction, after everything queued
 * before, the chain's oldest whole run of entries made before the cut-off is deleted (with the
 * kept payloads of those calls), a signed anchor (seq and hash of the last deleted entry) takes
 * their place, and a {@code retention_run} admin event is appended, so {@code tally verify}
 * still passes. Only this instance's chain is pruned; other instances prune their own.
 *
 * <p>Payloads go through {@link AuditStore#prunePayloads} on their own, usually shorter
 * retention. They are outside the hash chain, so nothing is anchored; when any were deleted a
 * {@code retention_run} event with target {@value #PAYLOADS_TARGET} says how many and up to
 * when. It is recorded right after the deletion rather than in its transaction, because the
 * store deletes payloads in chunks of their own transactions to keep the writer moving.
 *
 * <p>Failures are the policy of a background job: each part is caught, logged and reported as
 * {@link PruneOutcome.Failed}, never thrown; the next run tries again (a failed entry prune
 * changed nothing). Not thread-safe: one run at a time ({@link RetentionScheduler} sees to it).
 * {@link #run()} blocks until both parts are done (use a background thread).
 */
public final class RetentionRun {

    /** The actor named in retention events. */
    public static final String ACTOR = "retention";
    /** The target named in the retention event of a payload prune. */
    public static final String PAYLOADS_TARGET = "payloads";

    private static final System.Logger LOG = System.getLogger(RetentionRun.class.getName());

    private final Recorder recorder;
    private final AuditStore store;
    private final Optional<Duration> entries;
    private final Optional<Duration> payloads;
    private final IdSource ids;
    private final Clock clock;

    /**
     * @param recorder the recorder of this instance's chain, which prunes entries
     * @param store its store, which prunes payloads
     * @param entries how long entries are kept; empty = forever
     * @param payloads how long kept payloads are kept; empty = forever
     */
    public RetentionRun(Recorder recorder, AuditStore store, Optional<Duration> entries, Optional<Duration> payloads,
            IdSource ids, Clock clock) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.store = Objects.requireNonNull(store, "store");
        this.entries = Objects.requireNonNull(entries, "entries");
        this.payloads = Objects.requireNonNull(payloads, "payloads");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether anything is ever pruned (false when both are kept forever: no run is needed). */
    public boolean prunesAnything() {
        return entries.isPresent() || payloads.isPresent();
    }

    /**
     * Prunes entries, then payloads; returns when both are done or failed.
     *
     * @throws InterruptedException when interrupted while waiting for the recorder (the server is stopping)
     */
    public RetentionOutcome run() throws InterruptedException {
        Instant now = clock.instant();
        PruneOutcome entryOutcome = entries.isPresent() ? pruneEntries(now.minus(entries.get()))
                : new PruneOutcome.KeptForever();
        PruneOutcome payloadOutcome = payloads.isPresent() ? prunePayloads(now.minus(payloads.get()), now)
                : new PruneOutcome.KeptForever();
        return new RetentionOutcome(now, entryOutcome, payloadOutcome);
    }

    private PruneOutcome pruneEntries(Instant before) throws InterruptedException {
        String chain = recorder.chain();
        try {
            long previous = store.anchor(chain).map(SignedHead::seq).orElse(0L);
            Optional<SignedHead> anchor = recorder.prune(before, ACTOR);
            long deleted = anchor.map(a -> a.seq() - previous).orElse(0L);
            if (anchor.isPresent()) {
                LOG.log(Level.INFO, "retention: pruned " + deleted + " entries of chain " + chain + " made before "
                        + Json.INSTANT_FORMAT.format(before) + "; anchored at seq " + anchor.get().seq());
            }
            return new PruneOutcome.Pruned(before, deleted);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "retention: pruning entries of chain " + chain + " made before "
                    + Json.INSTANT_FORMAT.format(before) + " failed, nothing was deleted (tried again at the next run): "
                    + e.getMessage());
            return new PruneOutcome.Failed(before, String.valueOf(e.getMessage()));
        }
    }

    private PruneOutcome prunePayloads(Instant before, Instant now) throws InterruptedException {
        long deleted;
        try {
            deleted = store.prunePayloads(before);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "retention: pruning payloads made before " + Json.INSTANT_FORMAT.format(before)
                    + " failed (tried again at the next run): " + e.getMessage());
            return new PruneOutcome.Failed(before, String.valueOf(e.getMessage()));
        }
        if (deleted > 0) {
            String cutOff = Json.INSTANT_FORMAT.format(before);
            AdminEvent event = new AdminEvent(ids.next(), now, AdminEventType.RETENTION_RUN, ACTOR, PAYLOADS_TARGET,
                    Map.of(), Map.of("before", cutOff, "payloads_deleted", Long.toString(deleted)),
                    "deleted " + deleted + " kept payloads made before " + cutOff);
            try {
                recorder.recordAndWait(event);
            } catch (RuntimeException e) {
                // The payloads are gone either way; say so loudly, since the event could not be kept.
                LOG.log(Level.ERROR, "retention: deleted " + deleted + " payloads made before " + cutOff
                        + " but their retention_run event could be neither stored nor spilled: " + e.getMessage());
            }
            LOG.log(Level.INFO, "retention: deleted " + deleted + " kept payloads made before " + cutOff);
        }
        return new PruneOutcome.Pruned(before, deleted);
    }
}
