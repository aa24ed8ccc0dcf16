package dev.tally.audit.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Laws of {@link UsagePlan}: the parts cover the range exactly, and raw rows are read only at the edges. */
class UsagePlanProperties {

    private static final long HOUR = RollupKey.HOUR_MS;
    private static final long DAY = RollupKey.DAY_MS;
    private static final long BASE = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();

    @Property(tries = 2000)
    void partsCountEveryInstantOfTheRangeOnceAndNothingElse(@ForAll("queries") UsageQuery query) {
        UsagePlan plan = UsagePlan.of(query);
        long since = query.since() == null ? Long.MIN_VALUE : query.since().toEpochMilli();
        long until = query.until() == null ? Long.MAX_VALUE : query.until().toEpochMilli();
        if (since >= until) {
            assertThat(plan.parts()).isEmpty();
            return;
        }
        // Every part bound and its neighbours, and the range's edges: coverage only changes at bounds.
        List<Long> probes = new ArrayList<>();
        for (long edge : new long[] {since, until}) {
            probes.add(edge);
            probes.add(edge - 1);
        }
        for (UsagePlan.Part p : plan.parts()) {
            for (Long bound : new Long[] {p.from(), p.to()}) {
                if (bound != null) {
                    probes.add(bound);
                    probes.add(bound - 1);
                }
            }
        }
        for (long t : probes) {
            if (t == Long.MIN_VALUE || t == Long.MAX_VALUE) {
                continue; // the stand-ins for an open end, not instants a record can carry
            }
            int count = 0;
            for (UsagePlan.Part p : plan.parts()) {
                boolean in = (p.from() == null || p.from() <= t) && (p.to() == null || t < p.to());
                if (in) {
                    count += p instanceof UsagePlan.ExcludedCalls ? -1 : 1;
                }
            }
            assertThat(count).as("instant %d counted by %s", t, plan).isEqualTo(since <= t && t < until ? 1 : 0);
        }
        for (UsagePlan.Part p : plan.parts()) {
            if (p instanceof UsagePlan.ExcludedCalls x) {
                assertThat(x.to() <= since || x.from() >= until).as("%s lies outside the range", x).isTrue();
            }
        }
    }

    @Property(tries = 2000)
    void rollupPartsAreWholeBucketsAndRawPartsStayWithinOneEdgeHour(@ForAll("queries") UsageQuery query) {
        UsagePlan plan = UsagePlan.of(query);
        for (UsagePlan.Part p : plan.parts()) {
            switch (p) {
                case UsagePlan.Rollups r -> {
                    long grain = r.table().grain().millis();
                    if (r.from() != null) {
                        assertThat(Math.floorMod(r.from(), grain)).isZero();
                    }
                    if (r.to() != null) {
                        assertThat(Math.floorMod(r.to(), grain)).isZero();
                    }
                    assertThat(r.table().dimensions()).containsAll(UsagePlan.needed(query));
                }
                case UsagePlan.Calls c -> {
                    if (plan.hourly() != null) {
                        assertThat(c.from()).isNotNull();
                        assertThat(c.to()).isNotNull();
                        assertThat(c.to() - c.from()).as("raw part %s of %s is the smaller side", c, plan)
                                .isLessThanOrEqualTo(HOUR / 2);
                        assertThat(RollupTable.Grain.HOUR.ceil(c.from()) + HOUR)
                                .as("raw part %s of %s holds no whole hour", c, plan).isGreaterThan(c.to());
                    }
                }
                case UsagePlan.ExcludedCalls x -> {
                    assertThat(plan.hourly()).isNotNull();
                    assertThat(x.to() - x.from()).as("excluded part %s of %s is the smaller side", x, plan)
                            .isLessThanOrEqualTo(HOUR / 2);
                    assertThat(RollupTable.Grain.HOUR.floor(x.from()))
                            .as("excluded part %s of %s stays in one hour", x, plan)
                            .isEqualTo(RollupTable.Grain.HOUR.floor(x.to() - 1));
                }
            }
        }
        long raw = plan.parts().stream()
                .filter(p -> p instanceof UsagePlan.Calls || p instanceof UsagePlan.ExcludedCalls).count();
        if (plan.hourly() != null) {
            assertThat(raw).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aMonthByModelReadsDaysThenHoursThenTheSmallerSideOfEachPartialHour() {
        Instant since = Instant.parse("2026-10-01T10:20:00Z");
        UsagePlan plan = UsagePlan.of(UsageQuery.over(since, since.plusSeconds(30 * 86_400L),
                List.of(GroupBy.Dimension.MODEL)));
        assertThat(plan.hourly()).isEqualTo(RollupTable.MODEL_HOURLY);
        assertThat(plan.daily()).isEqualTo(RollupTable.MODEL_DAILY);
        // From 10:20 the hour's rest is 40 minutes: the whole hour minus its first 20 is read instead.
        // Up to 10:20 the 20 minutes in the range are the smaller side: read as they are.
        assertThat(plan.parts()).containsExactly(
                new UsagePlan.Rollups(RollupTable.MODEL_DAILY, at("2026-10-02T00:00:00Z"), at("2026-10-31T00:00:00Z")),
                new UsagePlan.Rollups(RollupTable.MODEL_HOURLY, at("2026-10-01T10:00:00Z"),
                        at("2026-10-02T00:00:00Z")),
                new UsagePlan.ExcludedCalls(at("2026-10-01T10:00:00Z"), at("2026-10-01T10:20:00Z")),
                new UsagePlan.Rollups(RollupTable.MODEL_HOURLY, at("2026-10-31T00:00:00Z"),
                        at("2026-10-31T10:00:00Z")),
                new UsagePlan.Calls(at("2026-10-31T10:00:00Z"), at("2026-10-31T10:20:00Z")));
    }

    @Test
    void anEdgeHourNextToAWholeDayIsReadFromItsSmallerSideToo() {
        UsagePlan plan = UsagePlan.of(UsageQuery.over(Instant.parse("2026-09-08T00:41:00Z"),
                Instant.parse("2026-10-08T00:41:00Z"), List.of(GroupBy.Dimension.MODEL)));
        assertThat(plan.parts()).containsExactly(
                new UsagePlan.Rollups(RollupTable.MODEL_DAILY, at("2026-09-09T00:00:00Z"), at("2026-10-08T00:00:00Z")),
                new UsagePlan.Rollups(RollupTable.MODEL_HOURLY, at("2026-09-08T01:00:00Z"),
                        at("2026-09-09T00:00:00Z")),
                new UsagePlan.Calls(at("2026-09-08T00:41:00Z"), at("2026-09-08T01:00:00Z")),
                new UsagePlan.Rollups(RollupTable.MODEL_HOURLY, at("2026-10-08T00:00:00Z"),
                        at("2026-10-08T01:00:00Z")),
                new UsagePlan.ExcludedCalls(at("2026-10-08T00:41:00Z"), at("2026-10-08T01:00:00Z")));
    }

    @Test
    void aRangeInsideOneHourReadsItsCallsOrTheHourMinusBothSides() {
        List<GroupBy> byModel = List.of(GroupBy.Dimension.MODEL);
        assertThat(UsagePlan.of(UsageQuery.over(Instant.parse("2026-10-01T10:05:00Z"),
                Instant.parse("2026-10-01T10:25:00Z"), byModel)).parts())
                .containsExactly(new UsagePlan.Calls(at("2026-10-01T10:05:00Z"), at("2026-10-01T10:25:00Z")));
        assertThat(UsagePlan.of(UsageQuery.over(Instant.parse("2026-10-01T10:05:00Z"),
                Instant.parse("2026-10-01T10:55:00Z"), byModel)).parts()).containsExactly(
                new UsagePlan.Rollups(RollupTable.MODEL_HOURLY, at("2026-10-01T10:00:00Z"), at("2026-10-01T11:00:00Z")),
                new UsagePlan.ExcludedCalls(at("2026-10-01T10:00:00Z"), at("2026-10-01T10:05:00Z")),
                new UsagePlan.ExcludedCalls(at("2026-10-01T10:55:00Z"), at("2026-10-01T11:00:00Z")));
    }

    @Test
    void eachCombinationReadsTheNarrowestTableThatCarriesIt() {
        assertThat(plan(List.of(GroupBy.Dimension.DAY), null, Map.of()).daily()).isEqualTo(RollupTable.MODEL_DAILY);
        assertThat(plan(List.of(GroupBy.Dimension.STATUS), null, Map.of()).hourly())
                .isEqualTo(RollupTable.MODEL_HOURLY);
        assertThat(plan(List.of(GroupBy.Dimension.STATUS), null, Map.of()).daily()).as("status is not a day key")
                .isNull();
        assertThat(plan(List.of(GroupBy.Dimension.KEY), null, Map.of()).hourly()).isEqualTo(RollupTable.HOURLY);
        assertThat(plan(List.of(GroupBy.Dimension.MODEL, GroupBy.Dimension.KEY), null, Map.of()).daily())
                .isEqualTo(RollupTable.DAILY);
        assertThat(plan(List.of(GroupBy.Dimension.USER), null, Map.of()).hourly()).isEqualTo(RollupTable.USER_HOURLY);
        assertThat(plan(List.of(GroupBy.Dimension.USER), null, Map.of()).daily()).isEqualTo(RollupTable.USER_DAILY);
        assertThat(plan(List.of(GroupBy.Dimension.DAY), "u", Map.of()).daily()).isEqualTo(RollupTable.USER_DAILY);
        assertThat(plan(List.of(new GroupBy.Tag("tier"), GroupBy.Dimension.MODEL), null, Map.of()).daily())
                .isEqualTo(RollupTable.TAG_DAILY);
        assertThat(plan(List.of(GroupBy.Dimension.HOUR), null, Map.of("tier", "gold")).hourly())
                .isEqualTo(RollupTable.TAG_HOURLY);
        assertThat(plan(List.of(GroupBy.Dimension.HOUR), null, Map.of("tier", "gold")).daily()).isNull();
        // Nothing carries these: the whole range is read raw.
        assertThat(plan(List.of(GroupBy.Dimension.USER, GroupBy.Dimension.MODEL), null, Map.of()).hourly()).isNull();
        assertThat(plan(List.of(new GroupBy.Tag("tier"), GroupBy.Dimension.KEY), null, Map.of()).hourly()).isNull();
        assertThat(plan(List.of(new GroupBy.Tag("job")), null, Map.of("tier", "gold")).hourly()).isNull();
        assertThat(plan(List.of(new GroupBy.Tag("job")), "u", Map.of()).hourly()).isNull();
        assertThat(plan(List.of(new GroupBy.Tag("job")), "u", Map.of()).parts())
                .containsExactly(new UsagePlan.Calls(at("2026-10-01T10:20:00Z"), at("2026-10-31T10:20:00Z")));
    }

    private static UsagePlan plan(List<GroupBy> groupBy, String user, Map<String, String> tag) {
        return UsagePlan.of(new UsageQuery(Instant.parse("2026-10-01T10:20:00Z"), Instant.parse("2026-10-31T10:20:00Z"),
                groupBy, null, null, null, null, user, tag, null, null));
    }

    private static Long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Provide
    Arbitrary<UsageQuery> queries() {
        Arbitrary<Instant> bound = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 40 * DAY).map(t -> Instant.ofEpochMilli(BASE + t)),
                Arbitraries.longs().between(0, 40 * 24).map(h -> Instant.ofEpochMilli(BASE + h * HOUR)),
                Arbitraries.longs().between(0, 40).map(d -> Instant.ofEpochMilli(BASE + d * DAY)),
                Arbitraries.just(null));
        Arbitrary<List<GroupBy>> groupBy = Arbitraries.of(GroupBy.Dimension.values()).map(d -> (GroupBy) d)
                .list().ofMaxSize(3).uniqueElements()
                .flatMap(dims -> Arbitraries.of(true, false).map(withTag -> {
                    List<GroupBy> all = new ArrayList<>(dims);
                    if (withTag) {
                        all.add(new GroupBy.Tag("tier"));
                    }
                    return all;
                }));
        Arbitrary<String> maybe = Arbitraries.of("x", null, null, null);
        Arbitrary<CallStatus> status = Arbitraries.of(CallStatus.values()).injectNull(0.7);
        Arbitrary<Map<String, String>> tag = Arbitraries.of(Map.<String, String>of(), Map.<String, String>of(),
                Map.of("tier", "gold"), Map.of("job", "a"));
        return Combinators.combine(bound, bound, groupBy, maybe, maybe, status, maybe, tag)
                .as((since, until, g, key, model, s, user, t) -> new UsageQuery(since, until, g, key, model, null, s,
                        user, t, null, null));
    }
}
