package dev.tally.audit.store;

import static dev.tally.audit.store.UsageSample.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.query.UsageStats;
import dev.tally.audit.testing.Entries;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Usage reports over {@link UsageSample}; every expected figure is worked out in its table. */
public abstract class UsageContract extends UsageAgreementContract {

    /** Commits {@link UsageSample} in two batches. */
    private void loadSample() {
        List<AuditEntry> sample = UsageSample.entries(entries);
        chain.append(sample.subList(0, 4).toArray(AuditEntry[]::new));
        chain.append(sample.subList(4, sample.size()).toArray(AuditEntry[]::new));
    }

    @Test
    void summaryOverEverythingCountsOnlyKnownValues() {
        loadSample();
        UsageReport report = store.usage(UsageQuery.over(null, null, List.of()));

        UsageStats s = report.summary();
        assertThat(report.groups()).isEmpty();
        assertThat(s.calls()).isEqualTo(6);
        assertThat(List.of(s.success(), s.errors(), s.refused(), s.cancelled(), s.interrupted()))
                .containsExactly(3L, 1L, 1L, 1L, 0L);
        assertThat(s.inputTokens()).isEqualTo(1430);
        assertThat(s.cachedInputTokens()).as("a part of input_tokens, never added to it").isEqualTo(140);
        assertThat(s.cacheWriteTokens()).isEqualTo(10);
        assertThat(s.outputTokens()).isEqualTo(185);
        assertThat(s.reasoningTokens()).isEqualTo(20);
        assertThat(s.costMicros()).isEqualTo(8070);
        assertThat(s.unpricedCalls()).as("c2 and c6 have no price").isEqualTo(2);
        assertThat(s.latencyMs().samples()).isEqualTo(5);
        assertThat(s.latencyMs().avg()).isEqualTo(400.0);
        assertThat(s.latencyMs().p50()).isCloseTo(300L, within(12L));
        assertThat(s.latencyMs().p99()).isCloseTo(1000L, within(40L));
        assertThat(s.ttftMs().samples()).isEqualTo(3);
        assertThat(s.ttftMs().avg()).isCloseTo(430.0 / 3, within(1e-9));
    }

    @Test
    void boundsInsideHoursAreExact() {
        loadSample();
        // [10:40, 12:15): c2 from the raw rows of 10:xx, all of 11:xx from rollups; c5 at 12:15 excluded.
        UsageStats s = store.usage(UsageQuery.over(at(10, 40), at(12, 15), List.of())).summary();
        assertThat(s.calls()).isEqualTo(3);
        assertThat(s.inputTokens()).isEqualTo(330);
        assertThat(s.costMicros()).isEqualTo(5070);
        assertThat(s.unpricedCalls()).isEqualTo(1);

        // [10:30, 12:30): c2, c3, c4, c5.
        UsageStats t = store.usage(UsageQuery.over(at(10, 30), at(12, 30), List.of())).summary();
        assertThat(t.calls()).isEqualTo(4);
        assertThat(t.inputTokens()).isEqualTo(1330);
        assertThat(t.costMicros()).isEqualTo(7070);
        assertThat(t.latencyMs().samples()).isEqualTo(4);
        assertThat(t.latencyMs().avg()).isEqualTo(450.0);
    }

    @Test
    void boundsWithinOneHourAndOnHourEdges() {
        loadSample();
        assertThat(store.usage(UsageQuery.over(at(11, 6), at(11, 31), List.of())).summary().calls()).isEqualTo(1);
        assertThat(store.usage(UsageQuery.over(at(11, 0), at(12, 0), List.of())).summary().costMicros())
                .isEqualTo(5070);
        assertThat(store.usage(UsageQuery.over(at(12, 50), at(12, 50), List.of())).summary().calls()).isZero();
        assertThat(store.usage(UsageQuery.over(null, at(11, 5), List.of())).summary().calls()).isEqualTo(2);
        assertThat(store.usage(UsageQuery.over(at(12, 15), null, List.of())).summary().calls()).isEqualTo(2);
    }

    @Test
    void groupsByEachFixedDimension() {
        loadSample();
        Map<List<String>, UsageStats> byModel = groups(List.of(GroupBy.Dimension.MODEL), null);
        assertThat(byModel).containsOnlyKeys(key("gpt-a"), key("claude-b"));
        assertThat(byModel.get(key("gpt-a")).calls()).isEqualTo(3);
        assertThat(byModel.get(key("gpt-a")).costMicros()).isEqualTo(3000);
        assertThat(byModel.get(key("gpt-a")).unpricedCalls()).isEqualTo(1);
        assertThat(byModel.get(key("gpt-a")).inputTokens()).isEqualTo(1110);
        assertThat(byModel.get(key("claude-b")).costMicros()).isEqualTo(5070);

        Map<List<String>, UsageStats> byKey = groups(List.of(GroupBy.Dimension.KEY), null);
        assertThat(byKey.get(key("k1")).calls()).isEqualTo(4);
        assertThat(byKey.get(key("k2")).costMicros()).isEqualTo(5070);

        Map<List<String>, UsageStats> byProvider = groups(List.of(GroupBy.Dimension.PROVIDER), null);
        assertThat(byProvider.get(key("openai")).calls()).isEqualTo(3);
        assertThat(byProvider.get(key("anthropic")).outputTokens()).isEqualTo(35);

        Map<List<String>, UsageStats> byStatus = groups(List.of(GroupBy.Dimension.STATUS), null);
        assertThat(byStatus).containsOnlyKeys(key("success"), key("error"), key("cancelled"), key("refused"));
        assertThat(byStatus.get(key("success")).success()).isEqualTo(3);

        Map<List<String>, UsageStats> byUser = groups(List.of(GroupBy.Dimension.USER), null);
        assertThat(byUser).containsOnlyKeys(key("alice"), key("bob"), key((String) null));
        assertThat(byUser.get(key("alice")).calls()).isEqualTo(3);
        assertThat(byUser.get(key((String) null)).cancelled()).isEqualTo(1);

        Map<List<String>, UsageStats> byHour = groups(List.of(GroupBy.Dimension.HOUR), null);
        assertThat(byHour).containsOnlyKeys(key("2026-03-02T10:00:00Z"), key("2026-03-02T11:00:00Z"),
                key("2026-03-02T12:00:00Z"));
        assertThat(byHour.get(key("2026-03-02T11:00:00Z")).costMicros()).isEqualTo(5070);

        assertThat(groups(List.of(GroupBy.Dimension.DAY), null)).containsOnlyKeys(key("2026-03-02"));
        Map<List<String>, UsageStats> byHourOfDay = groups(List.of(GroupBy.Dimension.HOUR_OF_DAY), null);
        assertThat(byHourOfDay).containsOnlyKeys(key("10"), key("11"), key("12"));
        assertThat(byHourOfDay.get(key("12")).calls()).isEqualTo(2);
    }

    @Test
    void groupsByCombinations() {
        loadSample();
        Map<List<String>, UsageStats> g = groups(List.of(GroupBy.Dimension.MODEL, GroupBy.Dimension.STATUS), null);
        assertThat(g).containsOnlyKeys(key("gpt-a", "success"), key("gpt-a", "error"), key("claude-b", "success"),
                key("claude-b", "cancelled"), key("claude-b", "refused"));
        assertThat(g.get(key("gpt-a", "success")).calls()).isEqualTo(2);
        assertThat(g.get(key("gpt-a", "success")).costMicros()).isEqualTo(3000);

        Map<List<String>, UsageStats> h = groups(List.of(GroupBy.Dimension.KEY, GroupBy.Dimension.HOUR), null);
        assertThat(h).hasSize(3);
        assertThat(h.get(key("k1", "2026-03-02T12:00:00Z")).calls()).isEqualTo(2);
        assertThat(h.get(key("k1", "2026-03-02T12:00:00Z")).unpricedCalls()).isEqualTo(1);
    }

    @Test
    void groupsByTagWithAnAbsentGroup() {
        loadSample();
        Map<List<String>, UsageStats> g = groups(List.of(new GroupBy.Tag("tier")), null);
        assertThat(g).containsOnlyKeys(key("gold"), key("silver"), key((String) null));
        assertThat(g.get(key("gold")).calls()).isEqualTo(3);
        assertThat(g.get(key("gold")).costMicros()).isEqualTo(3070);
        assertThat(g.get(key("gold")).latencyMs().samples()).isEqualTo(3);
        assertThat(g.get(key("silver")).costMicros()).isEqualTo(5000);
        UsageStats untagged = g.get(key((String) null));
        assertThat(untagged.calls()).isEqualTo(2);
        assertThat(untagged.costMicros()).isZero();
        assertThat(untagged.unpricedCalls()).isEqualTo(2);
        assertThat(untagged.latencyMs().samples()).isEqualTo(1);
        assertThat(untagged.latencyMs().avg()).isEqualTo(100.0);

        Map<List<String>, UsageStats> byModelAndTier =
                groups(List.of(GroupBy.Dimension.MODEL, new GroupBy.Tag("tier")), null);
        assertThat(byModelAndTier).containsOnlyKeys(key("gpt-a", "gold"), key("gpt-a", null),
                key("claude-b", "silver"), key("claude-b", "gold"), key("claude-b", null));
    }

    @Test
    void tagGroupsWithBoundsInsideHours() {
        loadSample();
        UsageReport r = store.usage(UsageQuery.over(at(10, 30), at(12, 30), List.of(new GroupBy.Tag("tier"))));
        Map<List<String>, UsageStats> g = byKey(r);
        assertThat(g.get(key("gold")).calls()).isEqualTo(2);
        assertThat(g.get(key("gold")).costMicros()).isEqualTo(2070);
        assertThat(g.get(key("silver")).calls()).isEqualTo(1);
        assertThat(g.get(key((String) null)).calls()).isEqualTo(1);
        assertThat(r.summary().calls()).isEqualTo(4);
    }

    @Test
    void filtersByTagAndDimensions() {
        loadSample();
        UsageStats gold = store.usage(query(null, null, Map.of("tier", "gold"), List.of())).summary();
        assertThat(gold.calls()).isEqualTo(3);
        assertThat(gold.costMicros()).isEqualTo(3070);

        Map<List<String>, UsageStats> goldByJob = byKey(store.usage(
                query(null, null, Map.of("tier", "gold"), List.of(new GroupBy.Tag("job")))));
        assertThat(goldByJob).containsOnlyKeys(key("nightly"), key((String) null));
        assertThat(goldByJob.get(key((String) null)).calls()).isEqualTo(2);

        UsageQuery k1Success = new UsageQuery(null, null, List.of(GroupBy.Dimension.MODEL), "k1", null, null,
                CallStatus.SUCCESS, null, Map.of(), null, null);
        Map<List<String>, UsageStats> g = byKey(store.usage(k1Success));
        assertThat(g).containsOnlyKeys(key("gpt-a"));
        assertThat(g.get(key("gpt-a")).calls()).isEqualTo(2);

        UsageQuery aliceAnthropicPartial = new UsageQuery(at(11, 10), null, List.of(), null, "claude-b",
                "anthropic", null, "alice", Map.of(), null, null);
        assertThat(store.usage(aliceAnthropicPartial).summary().calls()).as("only c6").isEqualTo(1);
    }

    @Test
    void orderByAndLimitKeepTheTopGroups() {
        loadSample();
        UsageReport top = store.usage(new UsageQuery(null, null, List.of(GroupBy.Dimension.KEY), null, null, null, null,
                null, Map.of(), "cost_micros", 1));
        assertThat(top.groups()).hasSize(1);
        assertThat(top.groups().getFirst().group()).containsEntry("key", "k2");
        assertThat(top.summary().calls()).as("the summary covers every matching call").isEqualTo(6);

        UsageReport byCalls = store.usage(new UsageQuery(null, null, List.of(GroupBy.Dimension.USER), null, null,
                null, null, null, Map.of(), "calls", null));
        assertThat(byCalls.groups()).extracting(gr -> gr.group().get("user")).containsExactly("alice", "bob", null);

        UsageReport byLatency = store.usage(new UsageQuery(null, null, List.of(GroupBy.Dimension.MODEL), null, null,
                null, null, null, Map.of(), "latency_p99", null));
        assertThat(byLatency.groups()).extracting(gr -> gr.group().get("model")).containsExactly("claude-b", "gpt-a");
    }

    @Test
    void defaultOrderIsByGroupValuesWithHourOfDayNumeric() {
        loadSample();
        chain.append(entries.bareCall(at(10, 0).plus(java.time.Duration.ofHours(-8))).build());
        UsageReport r = store.usage(UsageQuery.over(null, null, List.of(GroupBy.Dimension.HOUR_OF_DAY)));
        assertThat(r.groups()).extracting(gr -> gr.group().get("hour_of_day")).containsExactly("2", "10", "11", "12");
    }

    @Test
    void groupsByDayAcrossMidnight() {
        loadSample();
        chain.append(entries.bareCall(Instant.parse("2026-03-03T00:30:00Z")).costMicros(9L).build());
        Map<List<String>, UsageStats> g = groups(List.of(GroupBy.Dimension.DAY), null);
        assertThat(g.get(key("2026-03-02")).calls()).isEqualTo(6);
        assertThat(g.get(key("2026-03-03")).costMicros()).isEqualTo(9);
    }

    @Test
    void rollupRowsAccumulateAcrossBatches() {
        Instant hour = Instant.parse("2026-03-05T08:00:00Z");
        long[] durations = {100, 200, 300, 400};
        for (int i = 0; i < durations.length; i++) {
            chain.append(entries.call(hour.plusSeconds(60L * i)).tag("tier", "gold").durationMs(durations[i])
                    .ttftMs(i == 0 ? null : 10L * i).costMicros(i == 3 ? null : 5L).build());
        }
        UsageQuery wholeHour = new UsageQuery(hour, hour.plusSeconds(3600), List.of(new GroupBy.Tag("tier")), null,
                null, null, null, null, Map.of(), null, null);
        for (UsageStats s : List.of(store.usage(wholeHour).summary(), store.usage(wholeHour).groups().getFirst().stats())) {
            assertThat(s.calls()).isEqualTo(4);
            assertThat(s.costMicros()).isEqualTo(15);
            assertThat(s.unpricedCalls()).isEqualTo(1);
            assertThat(s.latencyMs().samples()).isEqualTo(4);
            assertThat(s.latencyMs().avg()).isEqualTo(250.0);
            assertThat(s.latencyMs().p50()).isCloseTo(200L, within(8L));
            assertThat(s.latencyMs().p99()).isCloseTo(400L, within(16L));
            assertThat(s.ttftMs().samples()).isEqualTo(3);
            assertThat(s.ttftMs().avg()).isEqualTo(20.0);
        }
    }

    @Test
    void aRejectedBatchAddsNothingToRollupsThatLaterBatchesBuildOn() {
        Instant hour = Instant.parse("2026-03-05T08:00:00Z");
        chain.change(new AdminChange.CreateKey(Entries.key("key-a", "team-a", hour)),
                entries.call(hour).durationMs(100L).build());
        List<ChainedEntry> rejected = chain.place(List.of(entries.call(hour.plusSeconds(1)).durationMs(900L).build()));
        assertThatThrownBy(() -> store.commit(new WriteBatch(CHAIN, List.of(), rejected,
                List.of(new AdminChange.CreateKey(Entries.key("key-b", "team-a", hour))), List.of())))
                .isInstanceOf(IllegalArgumentException.class);
        chain.append(entries.call(hour.plusSeconds(2)).model("other-model").durationMs(50L).build());
        chain.append(entries.call(hour.plusSeconds(3)).durationMs(300L).build());

        UsageStats s = store.usage(new UsageQuery(hour, hour.plusSeconds(3600), List.of(), null, "gpt-4o-mini", null,
                null, null, Map.of(), null, null)).summary();
        assertThat(s.calls()).isEqualTo(2);
        assertThat(s.latencyMs().samples()).isEqualTo(2);
        assertThat(s.latencyMs().avg()).isEqualTo(200.0);
        assertThat(s.latencyMs().p99()).isCloseTo(300L, within(12L));
    }

    @Test
    void lateRecordsForOldHoursMergeIntoTheirRows() {
        Instant first = Instant.parse("2026-03-05T00:00:00Z");
        for (int h = 0; h < 6; h++) {
            chain.append(entries.call(first.plusSeconds(3600L * h)).durationMs(100L + h).build());
        }
        chain.append(entries.call(first.plusSeconds(60)).durationMs(500L).build());
        UsageStats s = store.usage(UsageQuery.over(first, first.plusSeconds(3600), List.of())).summary();
        assertThat(s.calls()).isEqualTo(2);
        assertThat(s.latencyMs().samples()).isEqualTo(2);
        assertThat(s.latencyMs().avg()).isEqualTo(300.0);
    }

    @Test
    void aRangeOverSeveralDaysIsExactFromDaysHoursAndRawRows() {
        String[] at = {"2026-04-01T05:30:00Z", "2026-04-01T22:10:00Z", "2026-04-01T21:50:00Z", "2026-04-02T12:00:00Z",
            "2026-04-03T00:20:00Z", "2026-04-03T01:10:00Z", "2026-04-03T01:50:00Z"};
        long cost = 1;
        for (int i = 0; i < at.length; i++) {
            chain.append(entries.call(Instant.parse(at[i])).model(i % 2 == 0 ? "even" : "odd").user(i == 3 ? "u" : null)
                    .costMicros(cost).durationMs(100L * (i + 1)).build());
            cost *= 10;
        }
        // [04-01 21:45, 04-03 01:40): raw 21:45-22:00, hour 22 and 23, day 04-02, hour 00, raw 01:00-01:40.
        Instant since = Instant.parse("2026-04-01T21:45:00Z");
        Instant until = Instant.parse("2026-04-03T01:40:00Z");
        UsageReport byDay = store.usage(UsageQuery.over(since, until, List.of(GroupBy.Dimension.DAY)));
        assertThat(byDay.summary().costMicros()).isEqualTo(111_110);
        assertThat(byDay.summary().latencyMs().samples()).isEqualTo(5);
        assertThat(byDay.summary().latencyMs().avg()).isEqualTo(400.0);
        Map<List<String>, UsageStats> days = byKey(byDay);
        assertThat(days.get(key("2026-04-01")).costMicros()).isEqualTo(110);
        assertThat(days.get(key("2026-04-02")).costMicros()).isEqualTo(1000);
        assertThat(days.get(key("2026-04-03")).costMicros()).isEqualTo(110_000);

        Map<List<String>, UsageStats> byModel = byKey(store.usage(
                UsageQuery.over(since, until, List.of(GroupBy.Dimension.MODEL))));
        assertThat(byModel.get(key("even")).costMicros()).isEqualTo(10_100);
        assertThat(byModel.get(key("odd")).costMicros()).isEqualTo(101_010);

        Map<List<String>, UsageStats> byUser = byKey(store.usage(
                UsageQuery.over(since, until, List.of(GroupBy.Dimension.USER))));
        assertThat(byUser.get(key("u")).costMicros()).isEqualTo(1000);
        assertThat(byUser.get(key((String) null)).costMicros()).isEqualTo(110_110);

        assertThat(store.usage(UsageQuery.over(null, null, List.of())).summary().costMicros()).isEqualTo(1_111_111);
        assertThat(store.usage(UsageQuery.over(null, until, List.of())).summary().costMicros()).isEqualTo(111_111);
        assertThat(store.usage(UsageQuery.over(since, null, List.of())).summary().costMicros()).isEqualTo(1_111_110);

        // A late record for the first day, written after later days: its day row is merged, not replaced.
        chain.append(entries.call(Instant.parse("2026-04-01T10:00:00Z")).costMicros(5L).durationMs(100L).build());
        UsageStats all = store.usage(UsageQuery.over(null, null, List.of(GroupBy.Dimension.DAY))).summary();
        assertThat(all.costMicros()).isEqualTo(1_111_116);
        assertThat(all.latencyMs().samples()).isEqualTo(8);
        assertThat(all.latencyMs().avg()).isEqualTo(2900.0 / 8);
    }

    @Test
    void anEdgeHourReadWholeLosesItsCallsOutsideTheRangeAndGroupsLeftEmpty() {
        // 10:05 "gone" and 10:10 "kept" lie before the range, 10:50 "kept" inside: from 10:15 the
        // hour's rest is the larger side, so the hour's rollups are read minus its first 15 minutes.
        chain.append(entries.call(Instant.parse("2026-05-01T10:05:00Z")).model("gone").costMicros(1L)
                .durationMs(100L).tag("tier", "gold").build());
        chain.append(entries.call(Instant.parse("2026-05-01T10:10:00Z")).model("kept").costMicros(10L)
                .durationMs(200L).build());
        chain.append(entries.call(Instant.parse("2026-05-01T10:50:00Z")).model("kept").costMicros(100L)
                .durationMs(300L).tag("tier", "gold").build());
        chain.append(entries.call(Instant.parse("2026-05-02T03:00:00Z")).model("kept").costMicros(1000L)
                .durationMs(400L).build());
        Instant since = Instant.parse("2026-05-01T10:15:00Z");
        Instant until = Instant.parse("2026-05-02T03:50:00Z");

        Map<List<String>, UsageStats> byModel = byKey(store.usage(
                UsageQuery.over(since, until, List.of(GroupBy.Dimension.MODEL))));
        assertThat(byModel).containsOnlyKeys(key("kept"));
        assertThat(byModel.get(key("kept")).calls()).isEqualTo(2);
        assertThat(byModel.get(key("kept")).costMicros()).isEqualTo(1100);
        assertThat(byModel.get(key("kept")).latencyMs().samples()).isEqualTo(2);
        assertThat(byModel.get(key("kept")).latencyMs().avg()).isEqualTo(350.0);

        Map<List<String>, UsageStats> byHour = byKey(store.usage(
                UsageQuery.over(since, until, List.of(GroupBy.Dimension.HOUR))));
        assertThat(byHour.get(key("2026-05-01T10:00:00Z")).costMicros()).isEqualTo(100);
        assertThat(byHour.get(key("2026-05-02T03:00:00Z")).costMicros()).isEqualTo(1000);

        Map<List<String>, UsageStats> byTier = byKey(store.usage(
                UsageQuery.over(since, until, List.of(new GroupBy.Tag("tier")))));
        assertThat(byTier.get(key("gold")).costMicros()).isEqualTo(100);
        assertThat(byTier.get(key((String) null)).costMicros()).isEqualTo(1000);
        assertThat(byTier).hasSize(2);
    }

    @Test
    void aRangeInsideOneHourReadWholeLosesTheCallsOnBothSides() {
        chain.append(entries.call(Instant.parse("2026-05-01T10:02:00Z")).model("m").costMicros(1L).build());
        chain.append(entries.call(Instant.parse("2026-05-01T10:30:00Z")).model("m").costMicros(10L).build());
        chain.append(entries.call(Instant.parse("2026-05-01T10:58:00Z")).model("m").costMicros(100L).build());

        Map<List<String>, UsageStats> byModel = byKey(store.usage(UsageQuery.over(
                Instant.parse("2026-05-01T10:05:00Z"), Instant.parse("2026-05-01T10:55:00Z"),
                List.of(GroupBy.Dimension.MODEL))));
        assertThat(byModel).containsOnlyKeys(key("m"));
        assertThat(byModel.get(key("m")).calls()).isEqualTo(1);
        assertThat(byModel.get(key("m")).costMicros()).isEqualTo(10);
    }

    private Map<List<String>, UsageStats> groups(List<GroupBy> groupBy, Map<String, String> tag) {
        return byKey(store.usage(query(null, null, tag, groupBy)));
    }

    private static UsageQuery query(Instant since, Instant until, Map<String, String> tag, List<GroupBy> groupBy) {
        return new UsageQuery(since, until, groupBy, null, null, null, null, null, tag, null, null);
    }

    private static Map<List<String>, UsageStats> byKey(UsageReport report) {
        Map<List<String>, UsageStats> result = new HashMap<>();
        for (UsageGroup g : report.groups()) {
            assertThat(result.put(Arrays.asList(g.group().values().toArray(String[]::new)), g.stats()))
                    .as("group %s appears once", g.group()).isNull();
        }
        return result;
    }

    private static List<String> key(String... values) {
        return Arrays.asList(values);
    }
}
