package dev.tally.audit.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.testing.Entries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A batch's rows: adding another batch's rows is the same as adding its calls. */
class RollupBatchTest {

    private static final Instant T = Instant.parse("2026-03-02T10:15:00Z");

    private final Entries entries = new Entries();

    private List<CallRecord> calls(int from, int n) {
        List<CallRecord> calls = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            calls.add(entries.call(T.plus(Duration.ofMinutes(41L * i))).keyId("key-" + (i % 3))
                    .user(i % 2 == 0 ? "u" : null).tag("team", "t" + (i % 2)).inputTokens(10L + i)
                    .costMicros(i % 5 == 0 ? null : 100L + i).durationMs(80L + 7 * i).ttftMs(i % 3 == 0 ? null : 5L + i)
                    .build());
        }
        return calls;
    }

    @Test
    void addingAnotherBatchsRowsIsAddingItsCalls() {
        RollupBatch all = new RollupBatch();
        RollupBatch first = new RollupBatch();
        RollupBatch second = new RollupBatch();
        calls(0, 30).forEach(c -> {
            all.add("gw", c);
            first.add("gw", c);
        });
        calls(30, 30).forEach(c -> {
            all.add("gw", c);
            second.add("gw", c);
        });

        first.addAll(second);

        for (RollupTable table : RollupTable.values()) {
            Map<RollupKey, UsageTotals> expected = all.rows(table);
            Map<RollupKey, UsageTotals> merged = first.rows(table);
            assertThat(merged.keySet()).as(table.tableName()).isEqualTo(expected.keySet());
            expected.forEach((key, totals) -> {
                UsageTotals got = merged.get(key);
                assertThat(got.toStats()).as(table + " " + key).isEqualTo(totals.toStats());
                assertThat(got.latency()).isEqualTo(totals.latency());
                assertThat(got.ttft()).isEqualTo(totals.ttft());
                assertThat(got.unpricedCalls()).isEqualTo(totals.unpricedCalls());
            });
        }
        assertThat(second.rows(RollupTable.HOURLY)).as("the added batch is left as it was").isNotEmpty();
    }
}
