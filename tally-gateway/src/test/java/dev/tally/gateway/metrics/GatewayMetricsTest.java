package dev.tally.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.Protocol;
import dev.tally.audit.recorder.RecorderStats;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.retention.RetentionStats;
import dev.tally.gateway.trace.TracerStats;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry on its own: each recorder, tracer and retention number lands in its own metric
 * (all values distinct, so a mix-up shows), read fresh at every scrape; in-flight calls.
 */
class GatewayMetricsTest {

    private final GatewayConfig config = ConfigLoader.parse("""
            providers:
              - {name: openai, kind: openai, api_key: sk-a}
            models:
              gpt-4o: {provider: openai}
            """, Path.of("."), Map.of());
    private final AtomicReference<RecorderStats> recorder = new AtomicReference<>(new RecorderStats(1, 2, 3, 4, 0, 6, 7, 8_000, true));
    private final GatewayMetrics metrics = new GatewayMetrics(config, recorder::get, () -> 9, () -> new TracerStats(10, 11, 12));

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void every_recorder_and_tracer_number_has_its_own_metric() {
        Scraped m = scrape();

        assertThat(m.value("tally_audit_queue_depth")).isEqualTo(1);
        assertThat(m.value("tally_audit_committed_total")).isEqualTo(2);
        assertThat(m.value("tally_audit_spilled_total")).isEqualTo(3);
        assertThat(m.value("tally_audit_replayed_total")).isEqualTo(4);
        assertThat(m.value("tally_audit_lost_total")).isEqualTo(0);
        assertThat(m.value("tally_audit_store_errors_total")).isEqualTo(6);
        assertThat(m.value("tally_audit_chain_head_seq")).isEqualTo(7);
        assertThat(m.value("tally_audit_writer_lag_seconds")).isEqualTo(8);
        assertThat(m.value("tally_audit_store_healthy")).isEqualTo(1);
        assertThat(m.value("tally_audit_payloads_dropped_total")).isEqualTo(9);
        assertThat(m.value("tally_trace_spans_ended_total")).isEqualTo(10);
        assertThat(m.value("tally_trace_spans_exported_total")).isEqualTo(11);
        assertThat(m.value("tally_trace_spans_failed_total")).isEqualTo(12);
        assertThat(m.find("tally_retention_runs_total")).isEmpty();
    }

    @Test
    void each_scrape_reads_the_recorder_again() {
        assertThat(scrape().value("tally_audit_store_healthy")).isEqualTo(1);
        recorder.set(new RecorderStats(0, 2, 5, 4, 1, 7, 7, 0, false));

        Scraped m = scrape();

        assertThat(m.value("tally_audit_store_healthy")).isZero();
        assertThat(m.value("tally_audit_spilled_total")).isEqualTo(5);
        assertThat(m.value("tally_audit_lost_total")).isEqualTo(1);
    }

    @Test
    void retention_counters_appear_once_retention_is_scheduled() {
        metrics.retention(() -> new RetentionStats(13, 14, 15, 16, Optional.empty()));
        System.gc(); // the counters must not depend on a weakly held supplier

        Scraped m = scrape();

        assertThat(m.value("tally_retention_runs_total")).isEqualTo(13);
        assertThat(m.value("tally_retention_failed_runs_total")).isEqualTo(14);
        assertThat(m.value("tally_retention_entries_deleted_total")).isEqualTo(15);
        assertThat(m.value("tally_retention_payloads_deleted_total")).isEqualTo(16);
    }

    @Test
    void a_call_is_in_flight_from_its_opening_to_its_record() {
        CallRecord.Builder call = CallRecord.builder().id("019a8b2c-3d4e-7f00-8a1b-2c3d4e5f6a7b").startedAt(Instant.EPOCH)
                .operation(Operation.CHAT).endpoint("/v1/chat/completions").protocol(Protocol.OPENAI).model("gpt-4o")
                .provider("openai");
        metrics.opened(new CallOpening(call.status(CallStatus.INTERRUPTED).build()));
        assertThat(scrape().value("tally_calls_in_flight")).isEqualTo(1);

        metrics.recorded(call.status(CallStatus.SUCCESS).httpStatus(200).durationMs(1500L).build());

        Scraped m = scrape();
        assertThat(m.value("tally_calls_in_flight")).isZero();
        assertThat(m.value("tally_calls_total", "model", "gpt-4o", "status", "success")).isEqualTo(1);
        assertThat(m.value("tally_call_duration_seconds_sum", "model", "gpt-4o")).isEqualTo(1.5);
        assertThat(m.value("tally_call_duration_seconds_bucket", "model", "gpt-4o", "le", "1.0")).isZero();
        assertThat(m.value("tally_call_duration_seconds_bucket", "model", "gpt-4o", "le", "2.5")).isEqualTo(1);
    }

    private Scraped scrape() {
        return new Scraped(metrics.scrape(null).body());
    }
}
