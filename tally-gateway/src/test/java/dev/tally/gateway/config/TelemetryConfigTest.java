package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.gateway.config.GatewayConfig.Metrics;
import dev.tally.gateway.config.GatewayConfig.Telemetry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pins the defaults and the full mapping of the {@code metrics} and {@code telemetry} keys. */
class TelemetryConfigTest {

    private static final Path DATA = Path.of("./data");

    @Test
    void by_default_metrics_are_served_without_a_token_and_no_span_is_exported() {
        GatewayConfig c = ConfigLoader.parse("", DATA, Map.of());

        assertThat(c.metrics()).isEqualTo(new Metrics(true, false)).isEqualTo(Metrics.DEFAULTS);
        assertThat(c.telemetry()).isEqualTo(new Telemetry(Optional.empty(), Map.of(), "tally", Duration.ofSeconds(10)))
                .isEqualTo(Telemetry.DEFAULTS);
    }

    @Test
    void every_key_maps_and_header_values_are_secrets_taken_from_the_environment() {
        GatewayConfig c = ConfigLoader.parse("""
                metrics:
                  enabled: false
                  require_admin_token: true
                telemetry:
                  otlp_endpoint: https://otlp.example.com:4318/v1/traces
                  otlp_headers:
                    Authorization: Bearer ${OTLP_TOKEN}
                    x-team: platform
                  service_name: tally-eu
                  otlp_timeout: 3s
                """, DATA, Map.of("OTLP_TOKEN", "otlp-secret-value-1234"));

        assertThat(c.metrics()).isEqualTo(new Metrics(false, true));
        Telemetry t = c.telemetry();
        assertThat(t.otlpEndpoint()).contains(URI.create("https://otlp.example.com:4318/v1/traces"));
        assertThat(t.otlpHeaders().keySet()).containsExactly("authorization", "x-team");
        assertThat(t.otlpHeaders().get("authorization").reveal()).isEqualTo("Bearer otlp-secret-value-1234");
        assertThat(t.serviceName()).isEqualTo("tally-eu");
        assertThat(t.otlpTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.toString()).doesNotContain("otlp-secret-value-1234");
    }

    @Test
    void a_collector_base_address_gets_the_traces_path() {
        assertThat(endpoint("http://collector:4318")).isEqualTo(URI.create("http://collector:4318/v1/traces"));
        assertThat(endpoint("http://collector:4318/")).isEqualTo(URI.create("http://collector:4318/v1/traces"));
        assertThat(endpoint("http://collector:4318/custom/path")).isEqualTo(URI.create("http://collector:4318/custom/path"));
    }

    @Test
    void bad_values_are_named_with_the_key_the_value_and_the_expectation() {
        assertThatThrownBy(() -> parse("metrics:\n  require_admin_token: maybe\n"))
                .hasMessage("metrics.require_admin_token: 'maybe' (expected: true or false)");
        assertThatThrownBy(() -> parse("metrics:\n  token: x\n"))
                .hasMessage("metrics.token: unknown key (expected one of: enabled, require_admin_token)");
        assertThatThrownBy(() -> parse("telemetry:\n  otlp_endpoint: grpc://collector:4317\n"))
                .hasMessageStartingWith("telemetry.otlp_endpoint: 'grpc://collector:4317' (expected: an http:// or https:// URL");
        assertThatThrownBy(() -> parse("telemetry:\n  otlp_endpoint: https://user:pa55word@collector/v1/traces\n"))
                .hasMessageStartingWith("telemetry.otlp_endpoint: 'https://****@collector/v1/traces' (expected:")
                .message().doesNotContain("pa55word");
        assertThatThrownBy(() -> parse("telemetry:\n  otlp_headers:\n    \"bad header\": x\n"))
                .hasMessage("telemetry.otlp_headers.bad header: unusable header name (expected: letters, digits and -)");
        assertThatThrownBy(() -> parse("telemetry:\n  otlp_timeout: 10ms\n"))
                .hasMessage("telemetry.otlp_timeout: '10ms' (expected: 100ms..5m)");
        assertThatThrownBy(() -> parse("telemetry:\n  service_name: \" \"\n"))
                .hasMessage("telemetry.service_name: '' (expected: 1..100 characters)");
        assertThatThrownBy(() -> parse("telemetry:\n  sample_ratio: 0.5\n"))
                .hasMessageStartingWith("telemetry.sample_ratio: unknown key");
    }

    private static URI endpoint(String url) {
        return parse("telemetry:\n  otlp_endpoint: " + url + "\n").telemetry().otlpEndpoint().orElseThrow();
    }

    private static GatewayConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, DATA, Map.of());
    }
}
