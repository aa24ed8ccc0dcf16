package dev.tally.audit.adjust;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditQueries;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Re-prices stored calls without editing them: for every call of a model in a time range, the cost
 * at the current prices ({@link RecordPricer}) is compared with the call's effective cost (its
 * {@code cost_micros} plus the deltas of its earlier adjustments), and each call whose cost differs
 * gets a {@link CostAdjustment}, appended to the chain as a {@code cost_adjustment} event together
 * with its {@code cost_adjustments} row.
 *
 * <h2>Why it is safe to run again</h2>
 * A second run with the same prices finds every effective cost equal to the current one and adds
 * nothing; after a price change it adds only the difference from the last adjustment. A call that
 * was unpriced gets an adjustment from "unpriced" (no old cost) once it has a price. A call that
 * had a cost but has no price now is left as it is ({@link RepriceSummary#keptPriced()}): there is
 * no cost to adjust to.
 *
 * <h2>Transactions</h2>
 * Adjustments are written {@link #BATCH} at a time, each batch one store transaction
 * ({@link Recorder#commitChanges}): all of a batch or none of it. A failure stops the run; the
 * batches committed before stay (each is a complete, chained statement of its own calls), and a
 * run again picks up exactly what is left.
 *
 * <p>Thread-safe: runs are serialised, so two runs over the same calls cannot both adjust one call.
 */
public final class Repricer {

    /** Adjustments per store transaction: large enough that commits do not dominate, small enough to stay short. */
    public static final int BATCH = 500;

    /** How many adjustments a summary lists. */
    public static final int SAMPLE = 20;

    private static final int PAGE = CallQuery.MAX_LIMIT;

    private final AuditQueries store;
    private final Recorder recorder;
    private final RecordPricer pricer;
    private final Clock clock;
    private final IdSource ids;
    private final int batch;

    /**
     * @param store where the calls and earlier adjustments are read
     * @param recorder the chain the adjustments are appended to (its store is {@code store})
     * @param pricer the current prices
     * @param clock the adjustments' time
     */
    public Repricer(AuditQueries store, Recorder recorder, RecordPricer pricer, Clock clock) {
        this(store, recorder, pricer, clock, BATCH);
    }

    /** As above, with {@code batch} adjustments per transaction (at least 1). */
    public Repricer(AuditQueries store, Recorder recorder, RecordPricer pricer, Clock clock, int batch) {
        this.store = Objects.requireNonNull(store, "store");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.pricer = Objects.requireNonNull(pricer, "pricer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = IdSource.fast(clock);
        if (batch < 1) {
            throw new IllegalArgumentException("batch: " + batch + " (expected: >= 1)");
        }
        this.batch = batch;
    }

    /**
     * Runs {@code request}; returns when every adjustment is committed (or, dry, counted).
     *
     * @throws dev.tally.audit.store.StoreException when the store cannot be read or written; the
     *     batches committed before stay, the failing one did not happen
     */
    public synchronized RepriceSummary run(RepriceRequest request) throws InterruptedException {
        // Calls handed to the recorder before this run are in the store, so none is skipped.
        recorder.flush();
        Map<String, Effective> effective = new HashMap<>();
        for (CostAdjustment a : store.adjustments(AdjustmentFilter.ofModel(request.model(), request.since(),
                request.until()))) {
            // The effective cost is the sum of the deltas, whatever order the rows come in; the
            // price id is the newest adjustment's (rows of one call come in id order, UUIDv7: by time).
            effective.merge(a.recordId(), new Effective(a.deltaMicros(), a.newPriceId()),
                    (earlier, later) -> new Effective(earlier.micros() + later.micros(), later.priceId()));
        }
        Counts counts = new Counts();
        List<CostAdjustment> pending = new ArrayList<>(Math.min(batch, 1024));
        List<CostAdjustment> sample = new ArrayList<>();
        String priceId = null;
        CallQuery query = new CallQuery(request.since(), request.until(), null, request.model(), null, null, null,
                Map.of(), PAGE, null);
        while (query != null) {
            Page<dev.tally.audit.chain.ChainedEntry> page = store.calls(query);
            for (var entry : page.data()) {
                if (!(entry.entry() instanceof CallRecord call)) {
                    continue;
                }
                counts.seen++;
                Effective adjusted = effective.get(call.id());
                Effective before = call.costMicros() == null ? adjusted
                        : adjusted == null ? new Effective(call.costMicros(), call.priceId())
                        : new Effective(call.costMicros() + adjusted.micros(), adjusted.priceId());
                Optional<Cost> now = pricer.cost(call);
                if (now.isEmpty()) {
                    if (before == null) {
                        counts.unpriced++;
                    } else {
                        counts.keptPriced++;
                    }
                    continue;
                }
                priceId = now.get().priceId();
                if (before != null && before.micros() == now.get().micros()) {
                    counts.unchanged++;
                    continue;
                }
                CostAdjustment adjustment = CostAdjustment.of(ids.next(), recorder.chain(), clock.instant(), call,
                        before == null ? null : before.micros(), before == null ? null : before.priceId(),
                        now.get().micros(), now.get().priceId(), request.reason());
                counts.adjusted++;
                counts.fromUnpriced += before == null ? 1 : 0;
                counts.delta = Math.addExact(counts.delta, adjustment.deltaMicros());
                if (sample.size() < SAMPLE) {
                    sample.add(adjustment);
                }
                if (!request.dryRun()) {
                    pending.add(adjustment);
                    if (pending.size() >= batch) {
                        commit(pending, request.actor(), counts);
                    }
                }
            }
            query = page.nextCursor() == null ? null : query.after(page.nextCursor());
        }
        if (!pending.isEmpty()) {
            commit(pending, request.actor(), counts);
        }
        return new RepriceSummary(request, priceId, counts.seen, counts.adjusted, counts.fromUnpriced, counts.unchanged,
                counts.unpriced, counts.keptPriced, counts.delta, counts.transactions, sample);
    }

    private void commit(List<CostAdjustment> pending, String actor, Counts counts) throws InterruptedException {
        List<AdminChange> changes = new ArrayList<>(pending.size());
        List<AdminEvent> events = new ArrayList<>(pending.size());
        for (CostAdjustment a : pending) {
            changes.add(new AdminChange.AdjustCost(a));
            events.add(a.toEvent(actor));
        }
        recorder.commitChanges(changes, events);
        counts.transactions++;
        pending.clear();
    }

    /** A call's effective cost (or the sum of its adjustments' deltas) and the price id it was last priced at. */
    private record Effective(long micros, String priceId) {
    }

    private static final class Counts {
        long seen;
        long adjusted;
        long fromUnpriced;
        long unchanged;
        long unpriced;
        long keptPriced;
        long delta;
        long transactions;
    }
}
