package dev.tally.audit.adjust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.pricing.Price;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.audit.pricing.PriceVersion;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.StoreContractSupport;
import dev.tally.audit.verify.Verifier;
import dev.tally.audit.verify.deep.DeepCheck;
import dev.tally.audit.verify.deep.DeepReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-pricing on a real store: adjustments are appended, never edits; a second run adds nothing;
 * the rows and their chained events stand or fall together; {@code verify --deep} finds an edited
 * or deleted row. One subclass per store.
 */
public abstract class RepricerContract extends StoreContractSupport {

    protected static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
    /** A clock one millisecond further at each reading, as a real one would be between runs. */
    private static final Clock CLOCK = new Clock() {
        private final java.util.concurrent.atomic.AtomicLong millis =
                new java.util.concurrent.atomic.AtomicLong(Instant.parse("2026-04-01T09:00:00Z").toEpochMilli());

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.getAndIncrement());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };
    /** 100 input, 40 output tokens: 100 × 2 + 40 × 4 = 360 micro-USD. */
    private static final PriceBook DOUBLED = PriceBook.ofPrices(Map.of("gpt-4o-mini", Price.perMillion("2", "4")));

    @TempDir
    protected Path dataDir;

    protected Recorder recorder;

    /** Runs one statement against the store's database behind its back. */
    protected abstract void execute(String sql);

    @AfterEach
    void closeRecorder() {
        if (recorder != null) {
            recorder.close();
        }
    }

    protected Recorder recorder() {
        return recorder(store);
    }

    protected Recorder recorder(AuditStore on) {
        if (recorder == null) {
            recorder = Recorder.start(on, RecorderConfig.defaults(CHAIN, dataDir), CLOCK);
        }
        return recorder;
    }

    protected CallRecord record(CallRecord call) throws InterruptedException {
        recorder().recordAndWait(call);
        return call;
    }

    protected RepriceSummary reprice(PriceBook prices, boolean dryRun) throws InterruptedException {
        return new Repricer(store, recorder(), new RecordPricer(prices), CLOCK, 2)
                .run(new RepriceRequest("gpt-4o-mini", T, T.plusSeconds(86_400), dryRun, "price fix", "cli"));
    }

    @Test
    void eachCallIsRepricedWithTheVersionInForceWhenItStartedUnderItsPricedModel() throws Exception {
        CallRecord early = record(entries.call(T).build());
        CallRecord late = record(entries.call(T.plusSeconds(3600)).build());
        CallRecord fellBack = record(entries.call(T.plusSeconds(60)).pricedModel("gpt-4o").build());
        PriceVersion first = PriceVersion.always("gpt-4o-mini", Price.perMillion("2", "4"));
        PriceVersion second = PriceVersion.of("gpt-4o-mini", T.plusSeconds(1800), Price.perMillion("3", "6"),
                List.of(), Map.of());
        PriceVersion fallback = PriceVersion.always("gpt-4o", Price.perMillion("10", "20"));
        PriceBook versions = PriceBook.of(Map.of("gpt-4o-mini", List.of(first, second), "gpt-4o", List.of(fallback)));

        reprice(versions, false);

        Map<String, CostAdjustment> byRecord = new java.util.HashMap<>();
        store.adjustments(AdjustmentFilter.all()).forEach(a -> byRecord.put(a.recordId(), a));
        assertThat(byRecord.get(early.id()).newMicros()).isEqualTo(360L);
        assertThat(byRecord.get(early.id()).newPriceId()).isEqualTo(first.id());
        assertThat(byRecord.get(late.id()).newMicros()).isEqualTo(540L);
        assertThat(byRecord.get(late.id()).newPriceId()).isEqualTo(second.id());
        assertThat(byRecord.get(fellBack.id()).newMicros()).isEqualTo(1800L);
        assertThat(byRecord.get(fellBack.id()).newPriceId()).isEqualTo(fallback.id());
    }

    @Test
    void aRepriceAppendsAdjustmentsAndNeverEditsACall() throws Exception {
        CallRecord a = record(entries.call(T).tags(Map.of("team", "a")).user("u1").build());
        CallRecord b = record(entries.call(T.plusSeconds(3600)).keyId("key-2").build());
        record(entries.call(T.plusSeconds(60)).model("other").build());
        record(entries.call(T.minusSeconds(1)).build()); // before since
        record(entries.call(T.plusSeconds(86_400)).build()); // at until: excluded
        byte[] before = store.entry(a.id()).orElseThrow().body();

        RepriceSummary summary = reprice(DOUBLED, false);

        assertThat(summary.seen()).isEqualTo(2);
        assertThat(summary.adjusted()).isEqualTo(2);
        assertThat(summary.deltaMicros()).isEqualTo(2 * (360 - 150));
        assertThat(summary.transactions()).isEqualTo(1);
        assertThat(summary.priceId()).isEqualTo(DOUBLED.version("gpt-4o-mini", T).orElseThrow().id());
        List<CostAdjustment> rows = store.adjustments(AdjustmentFilter.all());
        assertThat(rows).extracting(CostAdjustment::recordId).containsExactly(a.id(), b.id());
        CostAdjustment first = rows.get(0);
        assertThat(first.oldMicros()).isEqualTo(150L);
        assertThat(first.oldPriceId()).isEqualTo("prices-2026-01");
        assertThat(first.newMicros()).isEqualTo(360L);
        assertThat(first.deltaMicros()).isEqualTo(210L);
        assertThat(first.newPriceId()).isEqualTo(DOUBLED.version("gpt-4o-mini", T).orElseThrow().id());
        assertThat(first.reason()).isEqualTo("price fix");
        assertThat(first.chain()).isEqualTo(CHAIN);
        assertThat(first.tags()).isEqualTo(Map.of("team", "a"));
        assertThat(first.user()).isEqualTo("u1");
        assertThat(first.status()).isEqualTo("success");
        assertThat(first.recordStartedAt()).isEqualTo(T);
        assertThat(store.entry(a.id()).orElseThrow().body()).isEqualTo(before);

        List<AdminEvent> events = adjustmentEvents();
        assertThat(events).extracting(AdminEvent::target).containsExactlyInAnyOrder(a.id(), b.id());
        AdminEvent event = events.stream().filter(e -> e.target().equals(a.id())).findFirst().orElseThrow();
        assertThat(event.id()).isEqualTo(first.id());
        assertThat(event.before()).isEqualTo(Map.of("cost_micros", "150", "price_id", "prices-2026-01"));
        assertThat(event.after()).containsEntry("cost_micros", "360").containsEntry("delta_micros", "210")
                .containsEntry("model", "gpt-4o-mini").containsEntry("reason", "price fix")
                .containsEntry("started_at", "2026-03-02T10:00:00.000Z");
        assertThat(CostAdjustment.fromEvent(CHAIN, event)).isEqualTo(first.withoutDimensions());
        assertThat(new Verifier(store).verify().ok()).isTrue();
        assertThat(DeepCheck.run(store).ok()).isTrue();
    }

    @Test
    void aSecondRunWithTheSamePricesAddsNothingAndAPriceChangeAddsOnlyTheDifference() throws Exception {
        record(entries.call(T).build());
        reprice(DOUBLED, false);

        RepriceSummary again = reprice(DOUBLED, false);
        assertThat(again.adjusted()).isZero();
        assertThat(again.unchanged()).isEqualTo(1);
        assertThat(again.transactions()).isZero();
        assertThat(store.adjustments(AdjustmentFilter.all())).hasSize(1);

        RepriceSummary tripled = reprice(PriceBook.ofPrices(Map.of("gpt-4o-mini", Price.perMillion("3", "6"))), false);
        assertThat(tripled.adjusted()).isEqualTo(1);
        assertThat(tripled.deltaMicros()).isEqualTo(540 - 360);
        assertThat(store.adjustments(AdjustmentFilter.all())).extracting(CostAdjustment::oldMicros)
                .containsExactly(150L, 360L);

        RepriceSummary back = reprice(PriceBook.ofPrices(Map.of("gpt-4o-mini", Price.perMillion("1", "1"))), false);
        assertThat(back.deltaMicros()).isEqualTo(140 - 540); // a price cut adjusts downwards
        assertThat(store.adjustments(AdjustmentFilter.all()).stream().mapToLong(CostAdjustment::deltaMicros).sum())
                .isEqualTo(140 - 150);
    }

    @Test
    void anUnpricedCallIsAdjustedFromUnpricedOnceItHasAPrice() throws Exception {
        CallRecord unpriced = record(entries.call(T).costMicros(null).priceId(null).build());

        RepriceSummary summary = reprice(DOUBLED, false);

        assertThat(summary.fromUnpriced()).isEqualTo(1);
        assertThat(summary.deltaMicros()).isEqualTo(360);
        CostAdjustment row = store.adjustments(AdjustmentFilter.all()).get(0);
        assertThat(row.recordId()).isEqualTo(unpriced.id());
        assertThat(row.oldMicros()).isNull();
        assertThat(row.oldPriceId()).isNull();
        assertThat(adjustmentEvents().get(0).before()).isEmpty();
        assertThat(adjustmentEvents().get(0).detail()).contains("unpriced -> 0.000360");
        assertThat(reprice(DOUBLED, false).adjusted()).isZero();
    }

    @Test
    void callsWithoutAPriceNowAreLeftAsTheyAre() throws Exception {
        record(entries.call(T).build());
        record(entries.call(T.plusSeconds(1)).costMicros(null).priceId(null).build());
        record(entries.call(T.plusSeconds(2)).status(CallStatus.REFUSED).inputTokens(null).cachedInputTokens(null)
                .outputTokens(null).costMicros(null).priceId(null).build());

        RepriceSummary summary = reprice(PriceBook.empty(), false);

        assertThat(summary.seen()).isEqualTo(3);
        assertThat(summary.keptPriced()).isEqualTo(1);
        assertThat(summary.unpriced()).isEqualTo(2);
        assertThat(summary.adjusted()).isZero();
        assertThat(store.adjustments(AdjustmentFilter.all())).isEmpty();
    }

    @Test
    void aDryRunCountsAndWritesNothing() throws Exception {
        record(entries.call(T).build());
        long seq = store.head(CHAIN).seq();

        RepriceSummary dry = reprice(DOUBLED, true);

        assertThat(dry.adjusted()).isEqualTo(1);
        assertThat(dry.deltaMicros()).isEqualTo(210);
        assertThat(dry.transactions()).isZero();
        assertThat(dry.sample()).hasSize(1);
        assertThat(store.adjustments(AdjustmentFilter.all())).isEmpty();
        assertThat(store.head(CHAIN).seq()).isEqualTo(seq);
    }

    @Test
    void adjustmentsAreWrittenInBatches() throws Exception {
        for (int i = 0; i < 5; i++) {
            record(entries.call(T.plusSeconds(i)).build());
        }
        RepriceSummary summary = reprice(DOUBLED, false); // two a transaction
        assertThat(summary.adjusted()).isEqualTo(5);
        assertThat(summary.transactions()).isEqualTo(3);
        assertThat(adjustmentEvents()).hasSize(5);
        assertThat(new Verifier(store).verify().ok()).isTrue();
    }

    @Test
    void aRejectedRowTakesItsEventsAndTheWholeBatchWithIt() throws Exception {
        CallRecord call = record(entries.call(T).build());
        long seq = store.head(CHAIN).seq();
        CostAdjustment one = CostAdjustment.of(entries.id(T), CHAIN, T, call, 150L, "p", 200L, "q", null);
        CostAdjustment sameId = CostAdjustment.of(one.id(), CHAIN, T, call, 200L, "q", 300L, "r", null);

        assertThatThrownBy(() -> recorder().commitChanges(
                List.of(new AdminChange.AdjustCost(one), new AdminChange.AdjustCost(sameId)),
                List.of(one.toEvent("cli"), sameId.toEvent("cli"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(one.id());

        assertThat(store.adjustments(AdjustmentFilter.all())).isEmpty();
        assertThat(store.head(CHAIN).seq()).isEqualTo(seq);
        assertThat(adjustmentEvents()).isEmpty();
    }

    @Test
    void rowsAreReadByTheCallsDimensions() throws Exception {
        record(entries.call(T).tags(Map.of("team", "a")).user("u1").build());
        record(entries.call(T.plusSeconds(7200)).keyId("key-2").provider("azure").status(CallStatus.ERROR).build());
        reprice(DOUBLED, false);

        assertThat(store.adjustments(new AdjustmentFilter(null, null, null, "key-2", null, null, null, null, null)))
                .hasSize(1);
        assertThat(store.adjustments(new AdjustmentFilter(null, null, null, null, null, "azure", "error", null, null)))
                .hasSize(1);
        assertThat(store.adjustments(new AdjustmentFilter(null, null, CHAIN, null, "gpt-4o-mini", null, null, "u1",
                Map.of("team", "a")))).hasSize(1);
        assertThat(store.adjustments(new AdjustmentFilter(null, null, null, null, null, null, null, null,
                Map.of("team", "b")))).isEmpty();
        assertThat(store.adjustments(AdjustmentFilter.ofModel("gpt-4o-mini", T.plusSeconds(3600), T.plusSeconds(7201))))
                .hasSize(1);
        assertThat(store.adjustments(AdjustmentFilter.ofModel("other", null, null))).isEmpty();
    }

    @Test
    void deepCheckFindsAnEditedRow() throws Exception {
        CallRecord call = record(entries.call(T).build());
        reprice(DOUBLED, false);

        execute("UPDATE cost_adjustments SET new_micros = 999, delta_micros = 849 WHERE record_id = '" + call.id() + "'");

        DeepReport report = DeepCheck.run(store);
        assertThat(report.ok()).isFalse();
        assertThat(report.differences()).anySatisfy(d -> {
            assertThat(d.table()).isEqualTo("cost_adjustments");
            assertThat(d.column()).isEqualTo("new_micros");
            assertThat(d.stored()).isEqualTo("999");
            assertThat(d.recomputed()).isEqualTo("360");
        });
    }

    @Test
    void deepCheckFindsADeltaThatDisagreesWithItsRow() throws Exception {
        record(entries.call(T).build());
        reprice(DOUBLED, false);

        execute("UPDATE cost_adjustments SET delta_micros = 1");

        assertThat(DeepCheck.run(store).differences()).anySatisfy(d -> {
            assertThat(d.table()).isEqualTo("cost_adjustments");
            assertThat(d.column()).isEqualTo("delta_micros");
        });
    }

    @Test
    void deepCheckFindsADeletedRowAndAnEditedDimension() throws Exception {
        CallRecord a = record(entries.call(T).build());
        CallRecord b = record(entries.call(T.plusSeconds(1)).build());
        reprice(DOUBLED, false);

        execute("DELETE FROM cost_adjustments WHERE record_id = '" + a.id() + "'");
        execute("UPDATE cost_adjustments SET key_id = 'key-9' WHERE record_id = '" + b.id() + "'");

        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).anySatisfy(d -> {
            assertThat(d.table()).isEqualTo("cost_adjustments");
            assertThat(d.column()).isEqualTo("(row)");
            assertThat(d.row()).contains(a.id());
        });
        assertThat(report.differences()).anySatisfy(d -> {
            assertThat(d.column()).isEqualTo("key_id");
            assertThat(d.stored()).isEqualTo("key-9");
            assertThat(d.recomputed()).isEqualTo("key-1");
        });
    }

    @Test
    void deepCheckFindsARowWithoutItsEvent() throws Exception {
        CallRecord a = record(entries.call(T).build());
        reprice(DOUBLED, false);

        execute("INSERT INTO cost_adjustments (id, chain, adjusted_at, record_id, ts, model, tags, new_micros, "
                + "new_price_id, delta_micros) VALUES ('forged', '" + CHAIN + "', 0, '" + a.id() + "', "
                + T.toEpochMilli() + ", 'gpt-4o-mini', '{}', 5, 'p', 5)");

        assertThat(DeepCheck.run(store).differences()).anySatisfy(d -> {
            assertThat(d.table()).isEqualTo("cost_adjustments");
            assertThat(d.row()).contains("forged");
            assertThat(d.recomputed()).isEqualTo(dev.tally.audit.verify.deep.Difference.ABSENT);
        });
    }

    @Test
    void rowsOutliveRetentionAndStillCheckOut() throws Exception {
        record(entries.call(T).build());
        reprice(DOUBLED, false);

        // The calls go first (the adjustments' events are newer), then everything.
        assertThat(recorder().prune(T.plusSeconds(86_400), "system")).isPresent();
        assertThat(DeepCheck.run(store).differences()).isEmpty();
        assertThat(recorder().prune(Instant.parse("2026-05-01T00:00:00Z"), "system")).isPresent();

        assertThat(adjustmentEvents()).isEmpty();
        assertThat(store.adjustments(AdjustmentFilter.all())).hasSize(1);
        assertThat(UsageAdjustments.of(store, dev.tally.audit.query.UsageQuery.over(null, null, List.of()))
                .totalMicros()).isEqualTo(210);
        assertThat(DeepCheck.run(store).differences()).isEmpty();
    }

    private List<AdminEvent> adjustmentEvents() {
        return store.events(new EventQuery("cost_adjustment", null, null,
                1000, null)).data().stream().map(ChainedEntry::entry).map(AdminEvent.class::cast).toList();
    }
}
