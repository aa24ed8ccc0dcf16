package dev.tally.audit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.rollup.RollupBatch;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.testing.Entries;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A fold's reading of call bodies adds up exactly what a full parse of the same bodies does. */
class RollupFieldsTest {

    private static final Instant T = Instant.parse("2026-03-02T10:15:00Z");
    private final Entries entries = new Entries();

    /** Every row of every table, as the canonical listing's lines. */
    private static List<String> lines(RollupBatch batch) {
        List<String> lines = new ArrayList<>();
        for (RollupTable table : RollupTable.values()) {
            batch.rows(table).forEach((key, totals) -> lines.add(RollupRow.of(table, key, totals).line()));
        }
        return lines;
    }

    private CallRecord randomCall(SplittableRandom random, int i) {
        CallRecord.Builder b = entries.call(T.plus(Duration.ofSeconds(397L * i)))
                .status(CallStatus.values()[random.nextInt(CallStatus.values().length)]);
        if (random.nextBoolean()) {
            b.keyId("key-" + random.nextInt(4));
        }
        if (random.nextBoolean()) {
            b.user(random.nextInt(3) == 0 ? "ü\"ser\\" + i : "user-" + random.nextInt(3));
        }
        if (random.nextInt(3) > 0) {
            b.tag("team", "t" + random.nextInt(3)).tag("tier", random.nextBoolean() ? "pro" : "free\n\u2028");
        }
        b.inputTokens(random.nextBoolean() ? (long) random.nextInt(5000) : null)
                .cachedInputTokens(random.nextBoolean() ? (long) random.nextInt(100) : null)
                .cacheWriteTokens(random.nextBoolean() ? (long) random.nextInt(100) : null)
                .outputTokens(random.nextBoolean() ? random.nextLong(1L << 40) : null)
                .reasoningTokens(random.nextBoolean() ? 0L : null)
                .costMicros(random.nextBoolean() ? random.nextLong(-5, 1_000_000) : null)
                .durationMs(random.nextBoolean() ? (long) random.nextInt(10_000) : null)
                .ttftMs(random.nextBoolean() ? (long) random.nextInt(700) : null)
                .toolCalls(random.nextBoolean() ? List.of("search", "fetch") : List.of());
        if (random.nextBoolean()) {
            b.model(null).provider(null);
        }
        return b.build();
    }

    @Test
    void addsUpWhatAFullParseAddsUp() {
        SplittableRandom random = new SplittableRandom(7);
        RollupBatch full = new RollupBatch();
        RollupBatch fields = new RollupBatch();
        for (int i = 0; i < 2_000; i++) {
            byte[] body = EntryHasher.canonicalBytes(randomCall(random, i));
            full.add("gw-1", (CallRecord) EntryHasher.parse(body));
            fields.add("gw-1", (CallRecord) RollupFields.parse(body));
        }
        assertThat(lines(fields)).containsExactlyInAnyOrderElementsOf(lines(full)).isNotEmpty();
    }

    @Test
    void aBodyInAnotherShapeIsReadByTheFullParser() {
        String canonical = new String(EntryHasher.canonicalBytes(entries.call(T).status(CallStatus.ERROR)
                .inputTokens(12L).costMicros(34L).tag("team", "a").build()), StandardCharsets.UTF_8);
        List<String> odd = List.of(
                canonical.replace("\"status\":\"error\"", "\"status\":\"ERROR\""),
                canonical.replace("\"input_tokens\":12", "\"input_tokens\":\"12\""),
                canonical.replace("\"cost_micros\":34", "\"cost_micros\":34.0"),
                canonical.replace("{\"kind\":\"call\",", "{").substring(0, canonical.length() - 15) + ",\"kind\":\"call\"}",
                canonical + " ");
        for (String body : odd) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            RollupBatch full = new RollupBatch();
            full.add("gw-1", (CallRecord) EntryHasher.parse(bytes));
            RollupBatch fields = new RollupBatch();
            fields.add("gw-1", (CallRecord) RollupFields.parse(bytes));
            assertThat(lines(fields)).as(body).containsExactlyInAnyOrderElementsOf(lines(full));
        }
    }

    @Test
    void anotherKindOfEntryIsReturnedAsItIsAndGarbageFails() {
        SecurityEvent event = entries.security(T, SecurityEventType.values()[0]);
        assertThat(RollupFields.parse(EntryHasher.canonicalBytes(event))).isEqualTo(event);
        assertThatThrownBy(() -> RollupFields.parse("{\"kind\":\"call\",\"id\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RollupFields.parse("{\"kind\":\"call\",\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
