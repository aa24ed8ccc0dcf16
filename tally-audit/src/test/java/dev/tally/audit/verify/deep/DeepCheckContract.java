package dev.tally.audit.verify.deep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.rollup.RollupDigest;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.StoreContractSupport;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.store.DerivedRows;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
 * {@code verify --deep} against a real store, written by the real {@link Recorder}: a clean log
 * has no difference; an edited, deleted or added rollup or tag row is named by table, row and
 * column; after a retention run, an edit of a rollup row only pruned calls could recompute is
 * caught by the signed {@link RollupDigest}. Each store's test class extends this one and says
 * how to run raw SQL against its store ({@link #execute}), as an attacker with write access would.
 */
public abstract class DeepCheckContract extends StoreContractSupport {

    /** 2026-03-01, a day whose calls a retention run prunes (partly). */
    protected static final Instant DAY1 = Instant.parse("2026-03-01T00:00:00Z");
    /** 2026-03-02, a day that stays. */
    protected static final Instant DAY2 = Instant.parse("2026-03-02T00:00:00Z");

    @TempDir
    protected Path dataDir;

    private Recorder recorder;

    /** Runs one statement against the store's database behind its back. */
    protected abstract void execute(String sql);

    @AfterEach
    void closeRecorder() {
        if (recorder != null) {
            recorder.close();
        }
    }

    private Recorder recorder() {
        return recorder(store);
    }

    private Recorder recorder(dev.tally.audit.store.AuditStore on) {
        if (recorder == null) {
            recorder = Recorder.start(on, RecorderConfig.defaults(CHAIN, dataDir),
                    Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC));
        }
        return recorder;
    }

    private CallRecord record(CallRecord call) throws InterruptedException {
        recorder().recordAndWait(call);
        return call;
    }

    /** Six calls over two days: tags, users, several statuses, one without cost or latency. */
    private void writeSample() throws InterruptedException {
        record(entries.call(DAY1.plusSeconds(9 * 3600 + 600)).tags(Map.of("team", "a", "env", "prod")).user("u1")
                .build());
        record(entries.call(DAY1.plusSeconds(9 * 3600 + 1200)).status(CallStatus.ERROR).costMicros(40L).build());
        record(entries.call(DAY1.plusSeconds(11 * 3600 + 1800)).tags(Map.of("team", "b")).user("u2").build());
        record(entries.call(DAY2.plusSeconds(10 * 3600)).costMicros(18_700L).tags(Map.of("team", "a")).build());
        record(entries.call(DAY2.plusSeconds(10 * 3600 + 1800)).model("claude-sonnet").provider("anthropic")
                .durationMs(1_250L).build());
        record(entries.bareCall(DAY2.plusSeconds(13 * 3600)).tags(Map.of("team", "a")).build());
    }

    @Test
    void aCleanLogHasNoDifferences() throws InterruptedException {
        writeSample();
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.chains()).singleElement().satisfies(c -> {
            assertThat(c.chain()).isEqualTo(CHAIN);
            assertThat(c.calls()).isEqualTo(6);
            assertThat(c.tagRows()).isEqualTo(5);
            assertThat(c.rollupRows()).isGreaterThan(20);
            assertThat(c.pruned()).isEqualTo(new PrunedRollups.NotPruned());
        });
    }

    @Test
    void aLimitBelowOneIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeepCheck.run(store, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("limit: 0 (expected: >= 1)");
    }

    @Test
    void differencesBeyondTheLimitAreCountedNotListed() throws InterruptedException {
        writeSample();
        execute("UPDATE model_rollups SET cost_micros = cost_micros + 1, calls = calls + 1");
        DeepReport report = DeepCheck.run(store, 2);
        assertThat(report.differences()).hasSize(2);
        assertThat(report.differencesTotal()).isGreaterThan(2);
    }

    @Test
    void anEditedRollupCostIsNamed() throws InterruptedException {
        writeSample();
        long hour = DAY2.plusSeconds(10 * 3600).toEpochMilli();
        execute("UPDATE rollups SET cost_micros = 0 WHERE hour = " + hour + " AND model = 'gpt-4o-mini'");
        execute("UPDATE model_day_rollups SET cost_micros = 0 WHERE day = " + DAY2.toEpochMilli()
                + " AND model = 'gpt-4o-mini'");
        DeepReport report = DeepCheck.run(store);
        assertThat(report.ok()).isFalse();
        assertThat(report.differences()).containsExactlyInAnyOrder(
                new Difference(CHAIN, "rollups", "hour=2026-03-02T10:00:00Z key_id=key-1 model=gpt-4o-mini "
                        + "provider=openai status=success", "cost_micros", "0", "18700"),
                new Difference(CHAIN, "model_day_rollups", "day=2026-03-02T00:00:00Z model=gpt-4o-mini provider=openai",
                        "cost_micros", "0", "18700"));
    }

    @Test
    void aDeletedTagRowIsNamed() throws InterruptedException {
        writeSample();
        execute("DELETE FROM call_tags WHERE name = 'team' AND value = 'b'");
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).containsExactly(
                new Difference(CHAIN, "call_tags", "seq=3 name=team", "value", Difference.ABSENT, "b"));
    }

    @Test
    void anExtraRollupRowIsNamed() throws InterruptedException {
        writeSample();
        execute("INSERT INTO model_rollups (hour, chain, model, provider, status, calls, input_tokens, "
                + "cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_micros, unpriced_calls, "
                + "latency_count, latency_sum, latency_hist, ttft_count, ttft_sum, ttft_hist) VALUES ("
                + DAY2.plusSeconds(15 * 3600).toEpochMilli() + ", '" + CHAIN + "', 'gpt-4o', 'openai', 'success', 3, "
                + "10, 0, 0, 10, 0, 500, 0, 0, 0, NULL, 0, 0, NULL)");
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).containsExactly(new Difference(CHAIN, "model_rollups",
                "hour=2026-03-02T15:00:00Z model=gpt-4o provider=openai status=success", "(row)",
                "calls=3 cost_micros=500", Difference.ABSENT));
    }

    @Test
    void aDeletedRollupRowAndAnEditedHistogramAreNamed() throws InterruptedException {
        writeSample();
        execute("DELETE FROM user_rollups WHERE user_id = 'u2'");
        execute("UPDATE tag_day_rollups SET latency_count = 7, latency_hist = NULL WHERE tag_name = 'team' "
                + "AND tag_value = 'b'");
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).extracting(Difference::table, Difference::column)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("user_rollups", "(row)"),
                        org.assertj.core.groups.Tuple.tuple("tag_day_rollups", "latency_count"),
                        org.assertj.core.groups.Tuple.tuple("tag_day_rollups", "latency_hist"));
        assertThat(report.differences()).filteredOn(d -> d.table().equals("user_rollups")).singleElement()
                .satisfies(d -> {
                    assertThat(d.row()).isEqualTo("hour=2026-03-01T11:00:00Z user_id=u2 status=success");
                    assertThat(d.stored()).isEqualTo(Difference.ABSENT);
                });
        assertThat(report.differences()).filteredOn(d -> d.column().equals("latency_count")).singleElement()
                .satisfies(d -> assertThat(d).extracting(Difference::stored, Difference::recomputed)
                        .containsExactly("7", "1"));
    }

    @Test
    void aRetentionRunSignsTheRollupsItLeavesBehind() throws InterruptedException {
        writeSample();
        assertThat(recorder().prune(DAY1.plusSeconds(10 * 3600), "cli")).isPresent(); // prunes seqs 1 and 2
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).isEmpty();
        DeepReport.Chain chain = report.chains().get(0);
        assertThat(chain.calls()).isEqualTo(4);
        assertThat(chain.pruned()).isInstanceOfSatisfying(PrunedRollups.Matched.class, m -> {
            assertThat(m.digest().until()).isEqualTo(DAY2.toEpochMilli());
            assertThat(m.rows()).isPositive();
            // The anchor signs it: the digest is part of its signed bytes.
            assertThat(store.anchor(CHAIN)).get().satisfies(anchor -> {
                assertThat(anchor.rollupDigest()).isEqualTo(m.digest().text());
                assertThat(new String(anchor.signedBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .endsWith("\n" + m.digest().text());
            });
        });
    }

    @Test
    void anEditOfAPrunedRangeRowIsCaughtByTheDigest() throws InterruptedException {
        writeSample();
        recorder().prune(DAY1.plusSeconds(10 * 3600), "cli");
        long hour = DAY1.plusSeconds(9 * 3600).toEpochMilli(); // only pruned calls added to this hour
        execute("UPDATE model_rollups SET cost_micros = 0 WHERE hour = " + hour);
        DeepReport report = DeepCheck.run(store);
        assertThat(report.ok()).isFalse();
        assertThat(report.chains().get(0).pruned()).isInstanceOf(PrunedRollups.Mismatched.class);
        assertThat(report.differences()).singleElement().satisfies(d -> {
            assertThat(d.table()).isEqualTo("rollups");
            assertThat(d.column()).isEqualTo("rollup_digest");
            assertThat(d.row()).contains("before 2026-03-02T00:00:00Z");
        });
    }

    @Test
    void aDeletedPrunedRangeRowIsCaughtByTheDigest() throws InterruptedException {
        writeSample();
        recorder().prune(DAY1.plusSeconds(10 * 3600), "cli");
        execute("DELETE FROM user_day_rollups WHERE day = " + DAY1.toEpochMilli() + " AND user_id = ''");
        DeepReport report = DeepCheck.run(store);
        assertThat(report.chains().get(0).pruned()).isInstanceOf(PrunedRollups.Mismatched.class);
        assertThat(report.differences()).extracting(Difference::column).contains("rollup_digest");
    }

    @Test
    void aLateCallIntoThePrunedRangeKeepsTheDigestTrue() throws InterruptedException {
        writeSample();
        recorder().prune(DAY1.plusSeconds(10 * 3600), "cli");
        // A call that started in the pruned hour, recorded after the run (a replayed spill, an import).
        record(entries.call(DAY1.plusSeconds(9 * 3600 + 2400)).tags(Map.of("team", "a")).build());
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).isEmpty();
        assertThat(report.chains().get(0).pruned()).isInstanceOf(PrunedRollups.Matched.class);
    }

    @Test
    void aSecondRunCoversWhatTheFirstPrunedToo() throws InterruptedException {
        writeSample();
        recorder().prune(DAY1.plusSeconds(10 * 3600), "cli");
        recorder().prune(DAY2.plusSeconds(10 * 3600 + 60), "cli"); // prunes seqs 3 and 4
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).isEmpty();
        assertThat(report.chains().get(0).pruned()).isInstanceOfSatisfying(PrunedRollups.Matched.class,
                m -> assertThat(m.digest().until()).isEqualTo(DAY2.plusSeconds(86_400).toEpochMilli()));
        execute("UPDATE model_rollups SET calls = calls + 1 WHERE hour = "
                + DAY1.plusSeconds(9 * 3600).toEpochMilli());
        assertThat(DeepCheck.run(store).chains().get(0).pruned()).isInstanceOf(PrunedRollups.Mismatched.class);
    }

    @Test
    void aChainPrunedWithoutADigestIsUnsignedAndOnlyImpossibleRowsAreNamed() {
        // As a version without digests left it: a v1 anchor, a retention_run event without one.
        List<dev.tally.audit.chain.ChainedEntry> placed = chain.append(
                entries.call(DAY1.plusSeconds(9 * 3600)).build(),
                entries.call(DAY1.plusSeconds(9 * 3600 + 60)).build(),
                entries.call(DAY1.plusSeconds(11 * 3600)).build(),
                entries.call(DAY2.plusSeconds(10 * 3600)).build());
        Instant signedAt = DAY1.plusSeconds(10 * 3600);
        chain.change(new AdminChange.Prune(Entries.head(SignedHead.Purpose.ANCHOR, CHAIN, 2, placed.get(1).hash(),
                signedAt)), entries.admin(signedAt, AdminEventType.RETENTION_RUN, CHAIN));
        DeepReport clean = DeepCheck.run(store);
        assertThat(clean.differences()).isEmpty();
        assertThat(clean.chains().get(0).pruned()).isInstanceOfSatisfying(PrunedRollups.Unsigned.class, u -> {
            assertThat(u.until()).isEqualTo(DAY2.toEpochMilli());
            assertThat(u.rows()).isPositive();
        });
        // Below what the retained call at 11:00 adds: impossible for any pruned calls.
        execute("UPDATE model_rollups SET calls = 0 WHERE hour = " + DAY1.plusSeconds(11 * 3600).toEpochMilli());
        execute("UPDATE model_rollups SET calls = 5 WHERE hour = " + DAY2.plusSeconds(10 * 3600).toEpochMilli());
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).extracting(Difference::table, Difference::row, Difference::column,
                Difference::stored, Difference::recomputed).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("model_rollups",
                        "hour=2026-03-01T11:00:00Z model=gpt-4o-mini provider=openai status=success", "calls",
                        "less than the retained calls add", "at least 1 more"),
                org.assertj.core.groups.Tuple.tuple("model_rollups",
                        "hour=2026-03-02T10:00:00Z model=gpt-4o-mini provider=openai status=success", "calls", "5",
                        "1"));
    }

    // ---- calls committed while a retention run is planned off the writer thread ----

    /**
     * The store, with {@code between} run on the caller's thread right after each of the first
     * {@code times} retention plans was read from its snapshot, before the writer gets the plan.
     * A JDK proxy: every call goes to the real store.
     */
    private DerivedRows afterPlanning(int times, Runnable between) {
        DerivedRows real = (DerivedRows) store;
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(times);
        return (DerivedRows) Proxy.newProxyInstance(DerivedRows.class.getClassLoader(),
                new Class<?>[] {DerivedRows.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("planPrune") && left.getAndDecrement() > 0) {
                        between.run();
                    }
                    return result;
                });
    }

    private void recordLate(CallRecord call) {
        try {
            recorder.recordAndWait(call);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCallCommittedAfterThePlanIntoThePrunedRangeKeepsTheDigestTrue() throws InterruptedException {
        // Started in the hour the run prunes, committed between the plan's snapshot and the prune.
        CallRecord late = entries.call(DAY1.plusSeconds(9 * 3600 + 2400)).tags(Map.of("team", "a")).user("u1")
                .build();
        recorder(afterPlanning(1, () -> recordLate(late)));
        writeSample();
        SignedHead anchor = recorder.prune(DAY1.plusSeconds(10 * 3600), "cli").orElseThrow();
        assertThat(anchor.seq()).isEqualTo(2); // the plan held: seq 3 (11:30) ends the prunable prefix
        assertThat(store.entry(late.id())).get().extracting(e -> e.seq()).isEqualTo(7L);
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).isEmpty();
        assertThat(report.chains().get(0).pruned()).isInstanceOfSatisfying(PrunedRollups.Matched.class,
                m -> assertThat(m.digest().text()).isEqualTo(anchor.rollupDigest()));
    }

    @Test
    void aCallCommittedAfterThePlanThatJoinsThePrunedPrefixIsPlannedAgain() throws InterruptedException {
        // Every sampled entry is before the cut-off, so a call committed after the plan is prunable too.
        CallRecord late = entries.call(DAY2.plusSeconds(13 * 3600 + 1800)).build();
        recorder(afterPlanning(1, () -> recordLate(late)));
        writeSample();
        SignedHead anchor = recorder.prune(DAY2.plusSeconds(14 * 3600), "cli").orElseThrow();
        assertThat(anchor.seq()).isEqualTo(7);
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).isEmpty();
        assertThat(report.chains().get(0).calls()).isZero();
        assertThat(report.chains().get(0).pruned()).isInstanceOfSatisfying(PrunedRollups.Matched.class,
                m -> assertThat(m.digest().text()).isEqualTo(anchor.rollupDigest()));
    }

    @Test
    void whenBothPlansAreOvertakenTheWriterPlansItself() throws InterruptedException {
        List<CallRecord> late = List.of(entries.call(DAY2.plusSeconds(13 * 3600 + 600)).build(),
                entries.call(DAY2.plusSeconds(13 * 3600 + 1200)).tags(Map.of("team", "c")).build());
        java.util.Iterator<CallRecord> next = late.iterator();
        recorder(afterPlanning(2, () -> recordLate(next.next())));
        writeSample();
        SignedHead anchor = recorder.prune(DAY2.plusSeconds(14 * 3600), "cli").orElseThrow();
        assertThat(next.hasNext()).isFalse();
        assertThat(anchor.seq()).isEqualTo(8);
        DeepReport report = DeepCheck.run(store);
        assertThat(report.differences()).isEmpty();
        assertThat(report.chains().get(0).pruned()).isInstanceOfSatisfying(PrunedRollups.Matched.class,
                m -> assertThat(m.digest().text()).isEqualTo(anchor.rollupDigest()));
    }
}
