package dev.tally.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.WhenUnrecordable;
import dev.tally.audit.store.StoredPayload;
import dev.tally.gateway.keys.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Calls refused because the log cannot be written are counted per second and written as one
 * {@code calls_refused_unrecordable} event per second once the log can take it; the policy gate
 * decides per mode who is refused.
 */
class RefusalSummariesTest {

    private final MutableClock clock = MutableClock.at("2026-12-03T20:00:00.100Z");
    private final FakeSink sink = new FakeSink();
    private final RefusalSummaries summaries = new RefusalSummaries(sink, () -> sink.recordable, "audit_unavailable",
            IdSource.fast(clock), clock);

    @Test
    void nothing_is_written_while_the_log_cannot_be_written_then_one_summary_per_second() throws Exception {
        sink.recordable = false;
        summaries.refused("key-a", "gpt-4o");
        clock.advance(Duration.ofMillis(400));
        summaries.refused("key-a", "gpt-4o");
        summaries.refused("key-b", "claude");
        clock.advance(Duration.ofMillis(700)); // 20:00:01.200
        summaries.refused("key-a", "gpt-4o");
        clock.advance(Duration.ofSeconds(1));

        assertThat(summaries.flush()).isZero();
        assertThat(sink.entries).isEmpty();

        sink.recordable = true;
        assertThat(summaries.flush()).isEqualTo(2);

        List<SecurityEvent> events = sink.events();
        assertThat(events).hasSize(2).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(SecurityEventType.CALLS_REFUSED_UNRECORDABLE);
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.requestId()).isNull();
        });
        SecurityEvent first = events.get(0);
        assertThat(first.timestamp()).isEqualTo(Instant.parse("2026-12-03T20:00:00.100Z"));
        assertThat(first.keyId()).isNull(); // two keys: named in the detail
        assertThat(first.detail()).startsWith("3 calls refused with 503 audit_unavailable from 2026-12-03T20:00:00.100Z"
                        + " to 2026-12-03T20:00:00.500Z")
                .contains("keys: key-a=2, key-b=1").contains("models: gpt-4o=2, claude=1");
        SecurityEvent second = events.get(1);
        assertThat(second.keyId()).isEqualTo("key-a");
        assertThat(second.model()).isEqualTo("gpt-4o");
        assertThat(second.detail()).startsWith("1 call refused");
        assertThat(summaries.refusedTotal()).isEqualTo(4);
        assertThat(summaries.pendingCalls()).isZero();
    }

    @Test
    void the_current_second_waits_until_it_is_over_and_drain_writes_it() throws Exception {
        summaries.refused("key-a", "m");

        assertThat(summaries.flush()).isZero();
        assertThat(summaries.drain()).isZero();

        assertThat(sink.events()).singleElement().satisfies(e -> assertThat(e.detail()).startsWith("1 call refused"));
    }

    @Test
    void keys_and_models_are_capped_and_the_rest_counted_and_a_long_model_name_is_cut() throws Exception {
        for (int i = 0; i < RefusalSummaries.MAX_LISTED + 5; i++) {
            summaries.refused("key-" + i, "model-" + i);
        }
        summaries.refused("key-0", "x".repeat(1000) + "\n");
        summaries.drain();

        String detail = sink.events().getFirst().detail();
        assertThat(detail).startsWith((RefusalSummaries.MAX_LISTED + 6) + " calls refused")
                .contains("key-0=2").contains("key-19=1").doesNotContain("key-20=")
                .contains("and 5 calls by other keys")
                .contains("and 6 calls by other models")
                .doesNotContain("\n");
        assertThat(detail.length()).isLessThan(2000);
    }

    @Test
    void at_most_an_hour_of_seconds_is_held_later_refusals_are_folded_into_the_newest_summary() throws Exception {
        sink.recordable = false;
        for (int s = 0; s < RefusalSummaries.MAX_PENDING_SECONDS + 10; s++) {
            summaries.refused("key-a", "m");
            clock.advance(Duration.ofSeconds(1));
        }
        sink.recordable = true;

        assertThat(summaries.flush()).isEqualTo(RefusalSummaries.MAX_PENDING_SECONDS);

        assertThat(sink.events().getLast().detail()).startsWith("11 calls refused");
        assertThat(sink.events().stream().mapToLong(e -> Long.parseLong(e.detail().split(" ")[0])).sum())
                .isEqualTo(RefusalSummaries.MAX_PENDING_SECONDS + 10);
    }

    @Test
    void a_summary_the_sink_refuses_stays_pending() throws Exception {
        summaries.refused("key-a", "m");
        clock.advance(Duration.ofSeconds(1));
        sink.failing = true;

        assertThat(summaries.flush()).isZero();
        assertThat(summaries.pendingCalls()).isEqualTo(1);

        sink.failing = false;
        assertThat(summaries.flush()).isEqualTo(1);
        assertThat(summaries.pendingCalls()).isZero();
    }

    @Test
    void a_failed_drain_of_the_current_second_keeps_the_calls_refused_meanwhile_in_the_same_summary() throws Exception {
        summaries.refused("key-a", "m");
        sink.failing = true;
        sink.duringRecord = () -> summaries.refused("key-b", "m"); // the same second, while its window is out
        assertThat(summaries.drain()).isEqualTo(2);

        sink.failing = false;
        sink.duringRecord = () -> { };
        assertThat(summaries.drain()).isZero();

        assertThat(sink.events()).singleElement().satisfies(e -> assertThat(e.detail())
                .startsWith("2 calls refused").contains("key-a=1").contains("key-b=1").contains("models: m=2"));
    }

    @Test
    void the_gate_refuses_only_when_nothing_can_record_and_allow_forwards_in_async_only() {
        OutageGate refuse = new OutageGate(WhenUnrecordable.REFUSE, sink, summaries);
        OutageGate allow = new OutageGate(WhenUnrecordable.ALLOW, sink, summaries);

        assertThat(refuse.refuse("k", "m")).isFalse();
        sink.recordable = false;
        assertThat(refuse.refuse("k", "m")).isTrue();
        assertThat(allow.refuse("k", "m")).isFalse();
        assertThat(allow.forwardedUnrecordable()).isEqualTo(1);
        assertThat(sink.refusedCounted).isEqualTo(1);

        sink.recordable = true;
        sink.healthy = false;
        assertThat(refuse.refuse("k", "m")).as("async: the journal takes the records").isFalse();
        sink.durability = Durability.SYNC;
        assertThat(refuse.refuse("k", "m")).as("sync: only a store commit opens a call").isTrue();
        assertThat(summaries.refusedTotal()).isEqualTo(2);
    }

    /** A sink that keeps what it is given, with switches for the log's state. */
    private static final class FakeSink implements AuditSink {
        volatile boolean recordable = true;
        volatile boolean healthy = true;
        volatile boolean failing;
        volatile Durability durability = Durability.ASYNC;
        volatile int refusedCounted;
        volatile Runnable duringRecord = () -> { };
        final List<AuditEntry> entries = new CopyOnWriteArrayList<>();

        List<SecurityEvent> events() {
            return entries.stream().map(SecurityEvent.class::cast).toList();
        }

        @Override
        public Durability durability() {
            return durability;
        }

        @Override
        public boolean open(CallOpening opening) {
            return true;
        }

        @Override
        public void record(AuditEntry entry) {
            duringRecord.run();
            if (failing) {
                throw new IllegalStateException("the store cannot be written");
            }
            entries.add(entry);
        }

        @Override
        public void record(AuditEntry entry, StoredPayload payload) {
            record(entry);
        }

        @Override
        public boolean storeHealthy() {
            return healthy;
        }

        @Override
        public boolean recordable() {
            return recordable;
        }

        @Override
        public void countRefused() {
            refusedCounted++;
        }
    }
}
