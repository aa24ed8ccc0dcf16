package dev.tally.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.GatewayRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} as {@code tally serve} runs it ({@link GatewayRuntime}): a generated admin token
 * guards it when asked to, and the retention scheduler's counters are there when retention runs.
 */
class ServeMetricsTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void the_generated_admin_token_opens_metrics_that_include_retention() throws Exception {
        GatewayConfig config = ConfigLoader.parse("server: {host: 127.0.0.1, port: 0}\nstore: {url: 'sqlite:"
                + dir.resolve("tally.db") + "'}\naudit: {retention: 90d}\nmetrics: {require_admin_token: true}\n", dir, Map.of());
        try (GatewayRuntime runtime = GatewayRuntime.start(config, dir, Clock.systemUTC())) {
            assertThat(runtime.admin().generated()).isTrue();
            URI metrics = URI.create("http://127.0.0.1:" + runtime.port() + "/metrics");

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(metrics)
                    .header("authorization", "Bearer " + runtime.admin().token().reveal()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(res.statusCode()).isEqualTo(200);
            Scraped m = new Scraped(res.body());
            assertThat(m.find("tally_retention_runs_total")).hasSize(1);
            assertThat(m.value("tally_retention_failed_runs_total")).isZero();
            assertThat(m.value("tally_audit_lost_total")).isZero();
            assertThat(m.value("tally_security_events_total", "type", "admin_auth_failure")).isEqualTo(1);
            assertThat(m.value("tally_audit_chain_head_seq")).as("the config_changed event written at start").isPositive();
        }
    }
}
