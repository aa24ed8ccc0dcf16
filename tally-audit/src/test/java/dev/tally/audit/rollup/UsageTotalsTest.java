package dev.tally.audit.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.query.UsageStats;
import dev.tally.audit.testing.Entries;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageTotalsTest {

    private final Entries entries = new Entries();

    @Test
    void unknownValuesAreNeverCountedAsZero() {
        UsageTotals totals = new UsageTotals();
        totals.add(entries.call(Entries.T0).inputTokens(100L).cachedInputTokens(30L).costMicros(7L).build());
        totals.add(entries.bareCall(Entries.T0).status(CallStatus.ERROR).build());

        UsageStats s = totals.toStats();
        assertThat(s.calls()).isEqualTo(2);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.inputTokens()).as("cached tokens are part of input, not added to it").isEqualTo(100);
        assertThat(s.cachedInputTokens()).isEqualTo(30);
        assertThat(s.costMicros()).isEqualTo(7);
        assertThat(s.unpricedCalls()).isEqualTo(1);
        assertThat(s.latencyMs().samples()).as("the bare call has no duration").isEqualTo(1);
        assertThat(s.latencyMs().avg()).isEqualTo(250.0);
    }

    @Test
    void noSamplesMeansNoLatencyFigures() {
        UsageTotals totals = new UsageTotals();
        totals.add(entries.bareCall(Entries.T0).build());
        assertThat(totals.toStats().ttftMs()).isEqualTo(new UsageStats.LatencyStats(null, null, null, null, 0));
    }

    @Test
    void subtractingAPartLeavesTheRest() {
        CallRecord a = entries.call(Entries.T0).durationMs(100L).build();
        CallRecord b = entries.call(Entries.T0).durationMs(900L).costMicros(null).build();
        UsageTotals both = new UsageTotals();
        both.add(a);
        both.add(b);
        UsageTotals onlyB = new UsageTotals();
        onlyB.add(b);
        both.subtract(onlyB);

        UsageTotals onlyA = new UsageTotals();
        onlyA.add(a);
        assertThat(both.toStats()).isEqualTo(onlyA.toStats());
    }

    @Test
    void aBatchAddsEachCallToOneRowPerTableAndOneRowPerTagInTagTables() {
        RollupBatch batch = new RollupBatch();
        batch.add("gw-1", entries.call(Entries.T0.plusSeconds(10)).tags(Map.of("tier", "gold", "job", "x")).build());
        batch.add("gw-1", entries.call(Entries.T0.plusSeconds(20)).tags(Map.of("tier", "gold")).build());
        batch.add("gw-1", entries.call(Entries.T0.plusSeconds(3600)).user("u").build());

        RollupKey first = RollupKey.of("gw-1", entries.call(Entries.T0).build());
        assertThat(first.hour()).isEqualTo(Entries.T0.toEpochMilli());
        assertThat(batch.rows(RollupTable.HOURLY)).hasSize(2);
        assertThat(batch.rows(RollupTable.HOURLY).get(first.in(RollupTable.HOURLY)).calls()).isEqualTo(2);
        assertThat(first.in(RollupTable.HOURLY).user()).as("hourly rows carry no user").isEmpty();
        assertThat(batch.rows(RollupTable.DAILY)).as("one day, one key and model").hasSize(1);
        assertThat(batch.rows(RollupTable.MODEL_HOURLY)).hasSize(2);
        assertThat(batch.rows(RollupTable.MODEL_DAILY)).hasSize(1);
        assertThat(batch.rows(RollupTable.USER_HOURLY)).hasSize(2);
        RollupKey userRow = RollupKey.of("gw-1", entries.call(Entries.T0.plusSeconds(3600)).user("u").build())
                .in(RollupTable.USER_HOURLY);
        assertThat(userRow.keyId()).as("user rows carry no key").isEmpty();
        assertThat(batch.rows(RollupTable.USER_HOURLY).get(userRow).calls()).isEqualTo(1);
        assertThat(batch.rows(RollupTable.USER_DAILY)).hasSize(2);
        assertThat(batch.rows(RollupTable.TAG_HOURLY)).hasSize(2);
        RollupKey gold = first.withTag("tier", "gold").in(RollupTable.TAG_HOURLY);
        assertThat(gold.keyId()).as("tag rows carry no key").isEmpty();
        assertThat(batch.rows(RollupTable.TAG_HOURLY).get(gold).calls()).isEqualTo(2);
        assertThat(batch.rows(RollupTable.TAG_DAILY)).hasSize(2);
        assertThat(RollupKey.absent("")).isNull();
    }
}
