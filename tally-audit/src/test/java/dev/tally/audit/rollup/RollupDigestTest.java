package dev.tally.audit.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The canonical listing and digest of rollup rows, pinned as literals (the format is signed). */
class RollupDigestTest {

    static final long HOUR = Instant.parse("2026-03-01T09:00:00Z").toEpochMilli();
    static final long DAY = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    static final long UNTIL = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();

    static CallRecord call(String model, long cost, long durationMs) {
        return CallRecord.builder().id("019d5a2e-6b80-7000-8000-00000000000" + model.length())
                .startedAt(Instant.ofEpochMilli(HOUR + 600_000)).status(CallStatus.SUCCESS).model(model)
                .provider("openai").inputTokens(100L).outputTokens(40L).costMicros(cost).durationMs(durationMs)
                .tag("team", "a").build();
    }

    static RollupRow row(RollupTable table, CallRecord... calls) {
        RollupBatch batch = new RollupBatch();
        for (CallRecord c : calls) {
            batch.add("gw-1", c);
        }
        var entry = batch.rows(table).entrySet().iterator().next();
        return RollupRow.of(table, entry.getKey(), entry.getValue());
    }

    @Test
    void aRowsLineIsItsTableKeyAndEveryColumn() {
        assertThat(row(RollupTable.MODEL_HOURLY, call("gpt-4o", 150, 250)).line()).isEqualTo("model_rollups "
                + HOUR + " 4:gw-1 6:gpt-4o 6:openai 7:success calls=1 input_tokens=100 cached_input_tokens=0 "
                + "cache_write_tokens=0 output_tokens=40 reasoning_tokens=0 cost_micros=150 unpriced_calls=0 "
                + "latency_count=1 latency_sum=250 latency_hist=0100fa01014801 ttft_count=0 ttft_sum=0 ttft_hist=-");
    }

    @Test
    void aDayTableLineHasTheStatusColumnsAndTheTagFirst() {
        assertThat(row(RollupTable.TAG_DAILY, call("gpt-4o", 150, 250)).line()).isEqualTo("tag_day_rollups 4:team "
                + DAY + " 4:gw-1 1:a 6:gpt-4o 6:openai calls=1 input_tokens=100 cached_input_tokens=0 "
                + "cache_write_tokens=0 output_tokens=40 reasoning_tokens=0 cost_micros=150 unpriced_calls=0 "
                + "latency_count=1 latency_sum=250 latency_hist=0100fa01014801 ttft_count=0 ttft_sum=0 ttft_hist=- "
                + "success=1 errors=0 refused=0 cancelled=0 interrupted=0");
    }

    @Test
    void theDigestIsKnownAndIndependentOfRowOrder() {
        RollupRow hourly = row(RollupTable.MODEL_HOURLY, call("gpt-4o", 150, 250));
        RollupRow daily = row(RollupTable.TAG_DAILY, call("gpt-4o", 150, 250));
        String expected = "v1:1772409600000:8787fd4abfc8858d8e9730fd73dc6590f504289981ef47658ee8e9c74689689d";
        assertThat(RollupDigest.of("gw-1", UNTIL, List.of(hourly, daily)).text()).isEqualTo(expected);
        assertThat(RollupDigest.of("gw-1", UNTIL, List.of(daily, hourly)).text()).isEqualTo(expected);
        assertThat(RollupDigest.of("gw-1", UNTIL, List.of()).text())
                .isEqualTo("v1:1772409600000:7170a74802dff1e5f818ce258b66a25e80f26dae761e5fe3f6088301e00360ef");
    }

    @Test
    void aResidualIsWhatRetainedCallsDidNotAddAndEmptyResidualsAreLeftOut() {
        RollupRow both = row(RollupTable.MODEL_HOURLY, call("gpt-4o", 150, 250), call("gpt-4o", 40, 900));
        RollupRow retained = row(RollupTable.MODEL_HOURLY, call("gpt-4o", 40, 900));
        RollupRow pruned = row(RollupTable.MODEL_HOURLY, call("gpt-4o", 150, 250));
        RollupRow residual = RollupRow.residual(RollupTable.MODEL_HOURLY, both.key(), both, retained);
        assertThat(residual.line()).isEqualTo(pruned.line());
        RollupRow none = RollupRow.residual(RollupTable.MODEL_HOURLY, both.key(), both, both);
        assertThat(none.isEmpty()).isTrue();
        assertThat(RollupDigest.of("gw-1", UNTIL, List.of(none))).isEqualTo(RollupDigest.of("gw-1", UNTIL, List.of()));
    }

    @Test
    void aResidualBelowWhatRetainedCallsAddShowsAsSuch() {
        RollupRow one = row(RollupTable.MODEL_HOURLY, call("gpt-4o", 150, 250));
        RollupRow two = row(RollupTable.MODEL_HOURLY, call("gpt-4o", 150, 250), call("gpt-4o", 40, 900));
        RollupRow residual = RollupRow.residual(RollupTable.MODEL_HOURLY, one.key(), one, two);
        assertThat(residual.columns()).containsEntry("calls", "-1").containsEntry("cost_micros", "-40")
                .containsEntry("latency_hist", "!");
    }

    @Test
    void rowsAfterUntilOrOfAnotherChainAreRefused() {
        RollupRow hourly = row(RollupTable.MODEL_HOURLY, call("gpt-4o", 150, 250));
        assertThatThrownBy(() -> RollupDigest.of("gw-1", DAY, List.of(hourly)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket before " + DAY);
        assertThatThrownBy(() -> RollupDigest.of("gw-2", UNTIL, List.of(hourly)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: chain gw-2");
    }

    @Test
    void theTextFormParsesBackAndBadTextIsNamed() {
        RollupDigest digest = RollupDigest.of("gw-1", UNTIL, List.of());
        assertThat(RollupDigest.parse(digest.text())).isEqualTo(digest);
        assertThatThrownBy(() -> RollupDigest.parse("abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rollup_digest: 'abc' (expected: v1:<until ms>:<64 hex>)");
        assertThatThrownBy(() -> RollupDigest.parse("v1:123:" + "a".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("until: 123 (expected: a UTC day");
    }

    @Test
    void untilIsTheCutOffsNextDayStartAndNeverMovesBack() {
        long cutOff = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
        assertThat(RollupDigest.until(cutOff, Long.MIN_VALUE)).isEqualTo(UNTIL);
        assertThat(RollupDigest.until(DAY, Long.MIN_VALUE)).isEqualTo(DAY);
        assertThat(RollupDigest.until(cutOff, UNTIL + RollupKey.DAY_MS)).isEqualTo(UNTIL + RollupKey.DAY_MS);
    }
}
