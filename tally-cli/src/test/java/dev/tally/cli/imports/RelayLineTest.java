package dev.tally.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.id.IdSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RelayLineTest {

    private static final Instant NOW = Instant.parse("2026-03-03T00:00:00Z");

    private final RelayLine parser = new RelayLine(new IdSource(Clock.fixed(NOW, ZoneOffset.UTC), new SplittableRandom(1)),
            false, "relay.log", NOW);

    private CallRecord good(String line) {
        RelayLine.Result result = parser.parse(line);
        assertThat(result).isInstanceOf(RelayLine.Parsed.class);
        return ((RelayLine.Parsed) result).record();
    }

    private String bad(String line) {
        RelayLine.Result result = parser.parse(line);
        assertThat(result).isInstanceOf(RelayLine.Bad.class);
        return ((RelayLine.Bad) result).reason();
    }

    @Test
    void theSmallestLineIsTimeAndStatus() {
        CallRecord r = good("{\"ts\":1772445600000,\"status\":\"cancelled\"}");

        assertThat(r.startedAt()).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(r.model()).isNull();
        assertThat(r.inputTokens()).isNull();
        assertThat(r.costMicros()).as("unknown cost stays absent, never 0").isNull();
        assertThat(r.tags()).containsOnlyKeys("imported_from");
    }

    @Test
    void costIsExactMicroDollars() {
        assertThat(good("{\"ts\":1772445600000,\"status\":\"success\",\"cost_usd\":0.1}").costMicros()).isEqualTo(100_000L);
        assertThat(good("{\"ts\":1772445600000,\"status\":\"success\",\"cost_usd\":12.3456785}").costMicros()).isEqualTo(12_345_678L);
        assertThat(good("{\"ts\":1772445600000,\"status\":\"success\",\"cost_usd\":\"0.000002\"}").costMicros()).isEqualTo(2L);
        assertThat(bad("{\"ts\":1772445600000,\"status\":\"success\",\"cost_usd\":-1}"))
                .isEqualTo("cost_usd: -1 (expected: dollars, a number >= 0, e.g. 0.00123)");
        assertThat(bad("{\"ts\":1772445600000,\"status\":\"success\",\"cost_usd\":\"cheap\"}")).startsWith("cost_usd: \"cheap\"");
    }

    @Test
    void errorObjectsGiveTheirMessageAndOtherValuesBecomeTags() {
        CallRecord r = good("{\"ts\":1772445600000,\"status\":\"error\",\"error\":{\"message\":\"rate limit\",\"code\":429},"
                + "\"flags\":[\"a\",\"b\"],\"ok\":true,\"nothing\":null}");

        assertThat(r.errorMessage()).isEqualTo("rate limit");
        assertThat(r.tags()).containsEntry("flags", "[\"a\",\"b\"]").containsEntry("ok", "true").doesNotContainKey("nothing");
    }

    @Test
    void eachMistakeIsNamedWithItsValueAndWhatIsExpected() {
        assertThat(bad("[1,2]")).isEqualTo("a JSON array (expected: one JSON object per line)");
        assertThat(bad("{\"status\":\"success\"}")).isEqualTo("ts: missing (expected: epoch milliseconds when the call started)");
        assertThat(bad("{\"ts\":1772445600,\"status\":\"success\"}"))
                .isEqualTo("ts: 1772445600 (expected: epoch milliseconds; this looks like seconds or is before 1973)");
        assertThat(bad("{\"ts\":1872445600000,\"status\":\"success\"}")).contains("in the future");
        assertThat(bad("{\"ts\":1772445600000}")).isEqualTo("status: missing (expected: success, error, refused or cancelled)");
        assertThat(bad("{\"ts\":1772445600000,\"status\":\"interrupted\"}")).startsWith("status: \"interrupted\"");
        assertThat(bad("{\"ts\":1772445600000,\"status\":\"success\",\"output_tokens\":1.5}"))
                .isEqualTo("output_tokens: 1.5 (expected: a whole number >= 0)");
        assertThat(bad("{\"ts\":1772445600000,\"status\":\"success\",\"model\":{}}")).isEqualTo("model: {} (expected: a non-empty string)");
        assertThat(bad("{\"ts\":1772445600000,\"status\":\"success\",\"duration_ms\":\"slow\"}"))
                .isEqualTo("duration_ms: \"slow\" (expected: milliseconds, a number >= 0)");
        assertThat(bad("{\"ts\":1772445600000,\"status\":\"success\"} {\"x\":1}")).startsWith("not JSON (");
    }
}
