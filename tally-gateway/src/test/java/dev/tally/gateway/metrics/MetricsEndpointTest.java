package dev.tally.gateway.metrics;

import static dev.tally.gateway.fake.FakeProvider.json;
import static dev.tally.gateway.fake.FakeProvider.sse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.gateway.fake.Wire;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} over a real socket after real traffic through the gateway: every counter,
 * histogram and gauge read back from the Prometheus text matches the traffic and the audit log.
 */
class MetricsEndpointTest {

    private static final String SERVER_ERROR = Wire.openAiError("boom", "server_error", null);

    @TempDir
    Path dir;

    private MetricsFixture gw;

    @BeforeEach
    void start() throws Exception {
        gw = MetricsFixture.start(dir, "");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void calls_tokens_cost_latency_attempts_errors_and_refusals_match_the_traffic() throws Exception {
        seedTraffic();
        List<CallRecord> records = gw.calls();
        assertThat(records).hasSize(7);

        HttpResponse<String> res = gw.get("/metrics");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
        Scraped m = new Scraped(res.body());
        String[] gpt4o = {"model", "gpt-4o", "provider", "openai"};
        assertThat(m.value("tally_calls_total", "model", "gpt-4o", "provider", "openai", "operation", "chat", "status", "success"))
                .isEqualTo(3);
        assertThat(m.value("tally_calls_total", "model", "gpt-4o", "provider", "backup", "status", "success")).isEqualTo(1);
        assertThat(m.value("tally_calls_total", "model", "free-model", "provider", "openai", "status", "error")).isEqualTo(1);
        assertThat(m.value("tally_calls_total", "model", "other", "provider", "none", "status", "refused")).isEqualTo(1);
        assertThat(m.value("tally_calls_total", "model", "none", "provider", "none", "status", "error")).isEqualTo(1);
        assertThat(m.sum("tally_calls_total")).isEqualTo(records.size());

        assertThat(m.value("tally_tokens_total", with(gpt4o, "type", "input"))).isEqualTo(1000 + 1000 + 10);
        assertThat(m.value("tally_tokens_total", with(gpt4o, "type", "cached_input"))).isEqualTo(400 + 400);
        assertThat(m.value("tally_tokens_total", with(gpt4o, "type", "output"))).isEqualTo(200 + 200 + 5);
        assertThat(m.value("tally_tokens_total", with(gpt4o, "type", "reasoning"))).isEqualTo(50 + 50);
        long cost = records.stream().filter(r -> "gpt-4o".equals(r.model()) && "openai".equals(r.provider()))
                .mapToLong(CallRecord::costMicros).sum();
        assertThat(cost).isPositive();
        assertThat(m.value("tally_cost_micro_usd_total", gpt4o)).isEqualTo(cost);
        assertThat(m.sum("tally_cost_micro_usd_total")).isEqualTo(
                records.stream().filter(r -> r.costMicros() != null).mapToLong(CallRecord::costMicros).sum());

        String[] success = with(gpt4o, "status", "success");
        assertThat(m.value("tally_call_duration_seconds_count", success)).isEqualTo(3);
        assertThat(m.value("tally_call_duration_seconds_bucket", with(success, "le", "+Inf"))).isEqualTo(3);
        assertBucketsRise(m, "tally_call_duration_seconds_bucket", success);
        assertThat(m.find("tally_call_duration_seconds_bucket", success)).hasSize(CallMeters.DURATION_BUCKETS.length + 1);
        assertThat(m.value("tally_time_to_first_token_seconds_count", gpt4o)).isEqualTo(1);
        assertThat(m.value("tally_time_to_first_token_seconds_bucket", with(gpt4o, "le", "+Inf"))).isEqualTo(1);
        assertThat(m.value("tally_upstream_duration_seconds_count", gpt4o)).isEqualTo(3);

        assertThat(m.value("tally_upstream_attempts_total", "model", "gpt-4o", "provider", "backup")).isEqualTo(4);
        assertThat(m.value("tally_upstream_retried_calls_total", "model", "gpt-4o", "provider", "backup")).isEqualTo(1);
        assertThat(m.value("tally_upstream_fallbacks_total", "model", "gpt-4o", "provider", "backup")).isEqualTo(1);
        assertThat(m.sum("tally_upstream_fallbacks_total")).isEqualTo(1);
        assertThat(m.value("tally_upstream_attempts_total", "model", "free-model", "provider", "openai")).isEqualTo(3);
        assertThat(m.value("tally_call_errors_total", "model", "free-model", "origin", "upstream", "code", "server_error"))
                .isEqualTo(1);
        assertThat(m.value("tally_call_errors_total", "model", "none", "origin", "gateway", "code", "invalid_json"))
                .isEqualTo(1);
        assertThat(m.value("tally_refusals_total", "reason", "model_not_found")).isEqualTo(1);
        assertThat(m.value("tally_security_events_total", "type", "unknown_model")).isEqualTo(1);
        assertThat(m.value("tally_security_events_total", "type", "auth_failure")).isEqualTo(1);
        assertThat(m.value("tally_security_events_total", "type", "rate_limited")).isZero();
        assertThat(m.value("tally_calls_in_flight")).isZero();

        assertThat(m.types).containsEntry("tally_calls_total", "counter")
                .containsEntry("tally_call_duration_seconds", "histogram")
                .containsEntry("tally_audit_queue_depth", "gauge");
    }

    @Test
    void the_audit_recorder_numbers_agree_with_the_store_and_nothing_is_lost() throws Exception {
        seedTraffic();
        int entries = gw.entries();

        Scraped m = new Scraped(gw.get("/metrics").body());

        assertThat(m.value("tally_audit_lost_total")).isZero();
        assertThat(m.value("tally_audit_spilled_total")).isZero();
        assertThat(m.value("tally_audit_replayed_total")).isZero();
        assertThat(m.value("tally_audit_store_errors_total")).isZero();
        assertThat(m.value("tally_audit_payloads_dropped_total")).isZero();
        assertThat(m.value("tally_audit_store_healthy")).isEqualTo(1);
        assertThat(m.value("tally_audit_chain_head_seq")).isEqualTo(entries);
        assertThat(m.value("tally_audit_committed_total")).isGreaterThanOrEqualTo(entries);
        assertThat(m.value("tally_audit_queue_depth")).isZero();
        assertThat(m.value("tally_audit_writer_lag_seconds")).isZero();
    }

    @Test
    void no_secret_key_or_made_up_model_name_becomes_a_label() throws Exception {
        seedTraffic();
        for (int i = 0; i < 5; i++) {
            gw.chat("invented-model-" + i, "hi");
        }

        String body = gw.get("/metrics").body();

        assertThat(body).doesNotContain(gw.clientKey, MetricsFixture.OPENAI_KEY, MetricsFixture.BACKUP_KEY, "team-a",
                "invented-model", "no-such-model", "Hello");
        Scraped m = new Scraped(body);
        assertThat(m.labelValues("model")).containsExactlyInAnyOrder("gpt-4o", "free-model", "other", "none");
        assertThat(m.value("tally_calls_total", "model", "other", "status", "refused")).isEqualTo(6);
    }

    @Test
    void openmetrics_is_served_when_the_scraper_asks_for_it() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 10, 2, 0, 0)));
        gw.chat("gpt-4o", "hi");
        gw.calls();

        HttpResponse<String> res = gw.get("/metrics", "accept", "application/openmetrics-text; version=1.0.0");

        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/openmetrics-text"));
        assertThat(res.body()).contains("tally_calls_total{").endsWith("# EOF\n");
    }

    /**
     * Seven calls and one auth failure: three gpt-4o successes on openai (two JSON with cached
     * and reasoning tokens, one stream), one gpt-4o served by its fallback after three 500s, one
     * free-model failing after three 500s, one unknown model, one unreadable body.
     */
    private void seedTraffic() throws Exception {
        String answer = Wire.chatCompletion("gpt-4o-2024-08-06", "Hello!", 1000, 200, 400, 50);
        gw.provider.then(json(200, answer), json(200, answer),
                sse(Wire.chatStream("gpt-4o-2024-08-06", List.of("Hel", "lo"), 10L, 5L, true)),
                json(500, SERVER_ERROR), json(500, SERVER_ERROR), json(500, SERVER_ERROR),
                json(200, Wire.chatCompletion("gpt-4o-mini-2024-07-18", "Hi", 100, 20, 0, 0)),
                json(500, SERVER_ERROR), json(500, SERVER_ERROR), json(500, SERVER_ERROR));
        assertThat(gw.chat("gpt-4o", "one").statusCode()).isEqualTo(200);
        assertThat(gw.chat("gpt-4o", "two").statusCode()).isEqualTo(200);
        HttpResponse<String> stream = gw.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"three\"}]}");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(gw.chat("gpt-4o", "four").statusCode()).isEqualTo(200);
        assertThat(gw.chat("free-model", "five").statusCode()).isEqualTo(500);
        assertThat(gw.chat("no-such-model", "six").statusCode()).isEqualTo(404);
        assertThat(gw.post("/v1/chat/completions", "{").statusCode()).isEqualTo(400);
        assertThat(gw.post("/v1/chat/completions", "{}", "authorization", "Bearer tk-not-a-real-key").statusCode()).isEqualTo(401);
        List<CallRecord> records = gw.calls();
        assertThat(records).filteredOn(r -> r.status() == CallStatus.SUCCESS).hasSize(4);
        assertThat(records).filteredOn(r -> "backup".equals(r.provider())).singleElement()
                .satisfies(r -> assertThat(r.attempts()).isEqualTo(4));
    }

    private static void assertBucketsRise(Scraped m, String name, String... labels) {
        double previous = 0;
        for (Scraped.Sample bucket : m.find(name, labels)) {
            assertThat(bucket.value()).as("cumulative bucket le=%s", bucket.labels().get("le")).isGreaterThanOrEqualTo(previous);
            previous = bucket.value();
        }
    }

    private static String[] with(String[] pairs, String... more) {
        String[] out = java.util.Arrays.copyOf(pairs, pairs.length + more.length);
        System.arraycopy(more, 0, out, pairs.length, more.length);
        return out;
    }
}
