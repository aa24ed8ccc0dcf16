package dev.tally.audit.verify.deep;

import dev.tally.audit.adjust.AdjustmentFilter;
import dev.tally.audit.adjust.CostAdjustment;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.TagRow;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The deep check of one chain's {@code cost_adjustments} rows: each must be what its chained
 * {@code cost_adjustment} event says (ids, times, costs, price ids, reason), its copy of the call's
 * key, provider, status, user and tags must be the call record's while that is retained, and no
 * row may lack its event. A row whose event a retention run pruned (its time at or before the
 * anchor's) is not checked: rows outlive the entries they came from, as rollups do.
 *
 * <p>The rows are read apart from the entries' snapshot: once before it (a row read then has its
 * event, committed in the same transaction, in the snapshot), and once more after it for events
 * whose row was committed in between. Not thread-safe: one instance per chain and run.
 */
final class AdjustmentCheck {

    private static final String TABLE = "cost_adjustments";
    private static final String ADJUSTMENT_TYPE = Json.wire(dev.tally.audit.entry.AdminEventType.COST_ADJUSTMENT);

    private final String chain;
    private final DerivedRows store;
    private final Consumer<Difference> differences;
    private final Map<String, CostAdjustment> expected = new LinkedHashMap<>();
    private final Map<String, CostAdjustment> storedBefore = new HashMap<>();
    private SignedHead anchor;

    /** Reads the chain's rows now: call before the snapshot of the entries is taken. */
    AdjustmentCheck(String chain, DerivedRows store, Consumer<Difference> differences) {
        this.chain = chain;
        this.store = store;
        this.differences = differences;
        store.adjustments(byChain()).forEach(a -> storedBefore.put(a.id(), a));
    }

    /** {@code inner}, also collecting the chain's anchor and its cost_adjustment events. */
    DerivedRows.Visitor around(DerivedRows.Visitor inner) {
        return new DerivedRows.Visitor() {
            @Override
            public void anchor(SignedHead head) {
                anchor = head;
                inner.anchor(head);
            }

            @Override
            public void entry(StoredRow row) {
                inner.entry(row);
                if (ADJUSTMENT_TYPE.equals(row.columns().eventType())) {
                    collect(row);
                }
            }

            @Override
            public void rollupRow(RollupRow row) {
                inner.rollupRow(row);
            }

            @Override
            public void tagRow(TagRow row) {
                inner.tagRow(row);
            }
        };
    }

    private void collect(StoredRow row) {
        try {
            if (EntryHasher.parse(row.body()) instanceof AdminEvent event) {
                CostAdjustment a = CostAdjustment.fromEvent(chain, event);
                expected.put(a.id(), a);
            }
        } catch (IllegalArgumentException e) {
            differences.accept(new Difference(chain, "entries", "seq=" + row.seq(), "body", "not a cost adjustment",
                    "a cost_adjustment event naming a call, its costs and price ids"));
        }
    }

    /** Compares, after the snapshot: rows against events and against the retained call records. */
    void finish() {
        Map<String, CostAdjustment> stored = storedBefore;
        if (!stored.keySet().containsAll(expected.keySet())) {
            stored = new HashMap<>(storedBefore);
            for (CostAdjustment a : store.adjustments(byChain())) {
                stored.putIfAbsent(a.id(), a);
            }
        }
        for (CostAdjustment want : expected.values()) {
            CostAdjustment have = stored.get(want.id());
            if (have == null) {
                differences.accept(new Difference(chain, TABLE, rowName(want), "(row)", Difference.ABSENT,
                        "new_micros=" + want.newMicros()));
                continue;
            }
            compareWithEvent(have, want);
            store.entry(have.recordId()).map(e -> e.entry()).filter(CallRecord.class::isInstance)
                    .map(CallRecord.class::cast).ifPresent(call -> compareWithCall(have, call));
        }
        for (CostAdjustment have : storedBefore.values()) {
            boolean pruned = anchor != null && !have.adjustedAt().isAfter(anchor.at());
            if (!expected.containsKey(have.id()) && !pruned) {
                differences.accept(new Difference(chain, TABLE, rowName(have), "(row)",
                        "new_micros=" + have.newMicros(), Difference.ABSENT));
            }
        }
    }

    /** Rows whose {@code delta_micros} column disagrees with their own costs, in every chain. */
    static void badDeltas(DerivedRows store, Consumer<Difference> differences) {
        for (String id : store.adjustmentsWithBadDelta()) {
            differences.accept(new Difference("", TABLE, "id=" + id, "delta_micros", "(not new - old)",
                    "new_micros - old_micros"));
        }
    }

    private void compareWithEvent(CostAdjustment have, CostAdjustment want) {
        column(have, "adjusted_at", have.adjustedAt(), want.adjustedAt());
        column(have, "record_id", have.recordId(), want.recordId());
        column(have, "ts", have.recordStartedAt(), want.recordStartedAt());
        column(have, "model", have.model(), want.model());
        column(have, "old_micros", have.oldMicros(), want.oldMicros());
        column(have, "old_price_id", have.oldPriceId(), want.oldPriceId());
        column(have, "new_micros", have.newMicros(), want.newMicros());
        column(have, "new_price_id", have.newPriceId(), want.newPriceId());
        column(have, "reason", have.reason(), want.reason());
    }

    private void compareWithCall(CostAdjustment have, CallRecord call) {
        column(have, "key_id", have.keyId(), call.keyId());
        column(have, "provider", have.provider(), call.provider());
        column(have, "status", have.status(), call.status() == null ? null : Json.wire(call.status()));
        column(have, "user_id", have.user(), call.user());
        column(have, "tags", have.tags(), call.tags());
    }

    private void column(CostAdjustment row, String column, Object stored, Object recomputed) {
        if (!Objects.equals(stored, recomputed)) {
            differences.accept(new Difference(chain, TABLE, rowName(row), column, String.valueOf(stored),
                    String.valueOf(recomputed)));
        }
    }

    private AdjustmentFilter byChain() {
        return new AdjustmentFilter(null, null, chain, null, null, null, null, null, Map.of());
    }

    private static String rowName(CostAdjustment a) {
        return "id=" + a.id() + " record_id=" + a.recordId();
    }
}
