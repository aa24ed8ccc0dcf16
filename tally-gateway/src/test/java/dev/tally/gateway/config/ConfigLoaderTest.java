package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.Protocol;
import dev.tally.audit.pricing.Price;
import dev.tally.audit.pricing.PriceVersion;
import dev.tally.audit.recorder.Durability;
import dev.tally.gateway.config.GatewayConfig.Audit;
import dev.tally.gateway.config.GatewayConfig.Model;
import dev.tally.gateway.config.GatewayConfig.PayloadPolicy;
import dev.tally.gateway.config.GatewayConfig.Provider;
import dev.tally.gateway.config.GatewayConfig.Retries;
import dev.tally.gateway.config.GatewayConfig.Timeouts;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins the defaults, the full key mapping, interpolation, validation messages and secret masking. */
class ConfigLoaderTest {

    private static final Path DATA = Path.of("./data");

    @Test
    void no_file_and_no_environment_gives_the_documented_defaults() {
        GatewayConfig c = ConfigLoader.parse("", DATA, Map.of());

        assertThat(c.server()).isEqualTo(new GatewayConfig.Server("0.0.0.0", 8080));
        assertThat(c.admin().token()).isEmpty();
        assertThat(c.store().url()).isEqualTo("sqlite:./data/tally.db");
        assertThat(c.audit()).isEqualTo(new Audit(Durability.ASYNC, Duration.ofMillis(10), 1000, 10_000, PayloadPolicy.OFF,
                List.of(), true, true, Optional.empty(), Optional.of(Duration.ofDays(30)), 65_536));
        assertThat(c.audit().integrity()).isEqualTo(new Integrity(Duration.ofSeconds(1), Optional.empty(), Map.of(),
                Optional.empty(), Optional.empty()));
        assertThat(c.providers()).isEmpty();
        assertThat(c.models()).isEmpty();
        assertThat(Timeouts.DEFAULTS).isEqualTo(new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(120),
                Duration.ofSeconds(60), Duration.ofSeconds(600)));
        assertThat(Retries.DEFAULTS).isEqualTo(new Retries(2, Duration.ofMillis(200), Duration.ofSeconds(5)));
    }

    @Test
    void no_file_takes_providers_and_admin_token_from_the_environment() {
        GatewayConfig c = ConfigLoader.parse("", Path.of("/var/tally"), Map.of(
                "OPENAI_API_KEY", "sk-env-openai", "ANTHROPIC_API_KEY", "sk-ant-env",
                "ANTHROPIC_BASE_URL", "http://localhost:9000/", "TALLY_ADMIN_TOKEN", "admin-token-from-env-123"));

        assertThat(c.store().url()).isEqualTo("sqlite:/var/tally/tally.db");
        assertThat(c.admin().token()).map(Secret::reveal).contains("admin-token-from-env-123");
        assertThat(c.providers().keySet()).containsExactly("openai", "anthropic");
        Provider openai = c.providers().get("openai");
        assertThat(openai.kind()).isEqualTo(Protocol.OPENAI);
        assertThat(openai.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(openai.apiKey().reveal()).isEqualTo("sk-env-openai");
        assertThat(c.providers().get("anthropic").baseUrl()).isEqualTo(URI.create("http://localhost:9000"));
    }

    @Test
    void every_key_maps_to_its_field() {
        String yaml = """
                server: {host: 127.0.0.1, port: 9090}
                admin: {token: "${ADMIN}"}
                store: {url: "sqlite:/srv/tally/audit.db"}
                audit:
                  durability: sync
                  flush_interval: 25ms
                  batch_size: 500
                  checkpoint_every: 2000
                  payload: redacted
                  redaction_patterns: ["ACME-[0-9]{6}"]
                  log_client_ip: false
                  log_key_prefix: false
                  retention: 90d
                  payload_retention: 14d
                  payload_max_bytes: 8192
                providers:
                  - name: main
                    kind: openai
                    base_url: https://llm.example.com/v1
                    api_key: ${KEY:-sk-default}
                    timeouts: {connect: 2s, first_byte: 30s, idle: 15s, total: 5m}
                    retries: {max: 3, backoff: 100ms, max_backoff: 10s}
                  - name: claude
                    kind: anthropic
                    api_key: sk-ant-literal
                    http_client: jdk
                models:
                  fast:
                    provider: main
                    upstream_model: gpt-4o-mini
                    price: {input: "0.15", cached_input: "0.075", output: "0.60"}
                  smart:
                    provider: main
                    fallbacks: [fast]
                    price: {input: 3, cache_write: 3.75, output: 15}
                """;
        GatewayConfig c = ConfigLoader.parse(yaml, DATA, Map.of("ADMIN", "a-very-long-admin-token"));

        assertThat(c.server()).isEqualTo(new GatewayConfig.Server("127.0.0.1", 9090));
        assertThat(c.admin().token()).map(Secret::reveal).contains("a-very-long-admin-token");
        assertThat(c.store().url()).isEqualTo("sqlite:/srv/tally/audit.db");
        assertThat(c.audit()).isEqualTo(new Audit(Durability.SYNC, Duration.ofMillis(25), 500, 2000, PayloadPolicy.REDACTED,
                List.of("ACME-[0-9]{6}"), false, false, Optional.of(Duration.ofDays(90)), Optional.of(Duration.ofDays(14)),
                8192));
        assertThat(c.providers().get("main")).isEqualTo(new Provider("main", Protocol.OPENAI, URI.create("https://llm.example.com/v1"),
                new Secret("sk-default"), new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(15),
                        Duration.ofMinutes(5)), new Retries(3, Duration.ofMillis(100), Duration.ofSeconds(10))));
        assertThat(c.providers().get("claude")).isEqualTo(new Provider("claude", Protocol.ANTHROPIC,
                URI.create("https://api.anthropic.com"), new Secret("sk-ant-literal"), Timeouts.DEFAULTS, Retries.DEFAULTS,
                GatewayConfig.HttpClient.JDK));
        assertThat(c.providers().get("main").httpClient()).isEqualTo(GatewayConfig.HttpClient.SOCKET);
        assertThat(c.models().get("fast")).isEqualTo(new Model("fast", "main", "gpt-4o-mini", List.of(),
                List.of(PriceVersion.always("fast", Price.perMillion("0.15", "0.60").withCachedInput("0.075")))));
        Model smart = c.models().get("smart");
        assertThat(smart.upstreamModel()).isEqualTo("smart");
        assertThat(smart.attemptOrder()).containsExactly("smart", "fast");
        assertThat(smart.prices().getFirst().price().cacheWrite()).isEqualByComparingTo(new BigDecimal("3.75"));
    }

    @Test
    void secrets_never_appear_when_the_config_is_printed() {
        GatewayConfig c = ConfigLoader.parse("""
                admin: {token: admin-secret-value-0123}
                providers: [{name: p, kind: openai, api_key: sk-provider-secret-456}]
                """, DATA, Map.of());

        assertThat(c.toString()).doesNotContain("admin-secret-value-0123", "sk-provider-secret-456").contains("****");
    }

    @Test
    void payload_retention_defaults_to_30_days_or_the_entry_retention_when_that_is_shorter() {
        assertThat(ConfigLoader.parse("audit: {retention: 7d}", DATA, Map.of()).audit().payloadRetention())
                .contains(Duration.ofDays(7));
        assertThat(ConfigLoader.parse("audit: {retention: 365d}", DATA, Map.of()).audit().payloadRetention())
                .contains(Duration.ofDays(30));
        Audit forever = ConfigLoader.parse("audit: {retention: forever, payload_retention: forever}", DATA, Map.of()).audit();
        assertThat(forever.retention()).isEmpty();
        assertThat(forever.payloadRetention()).isEmpty();
        assertThat(ConfigLoader.parse("audit: {retention: 2h, payload_retention: 1h}", DATA, Map.of()).audit()
                .payloadRetention()).contains(Duration.ofHours(1));
    }

    @Test
    void a_payload_never_outlives_its_record_and_retention_is_at_least_an_hour() {
        assertError("audit: {retention: 30d, payload_retention: 90d}",
                "audit.payload_retention: '90d' (expected: at most audit.retention, 30d; a payload never outlives its record)");
        assertError("audit: {retention: 30d, payload_retention: forever}",
                "audit.payload_retention: 'forever' (expected: at most audit.retention, 30d;");
        assertError("audit: {retention: 59m}", "audit.retention: '59m' (expected: at least 1h, or forever)");
        assertError("audit: {payload_retention: 30m}", "audit.payload_retention: '30m' (expected: at least 1h, or forever)");
        assertError("audit: {payload_retention: soon}",
                "audit.payload_retention: 'soon' (expected: a duration such as 250ms, 30s, 5m, 2h or 90d)");
        assertError("audit: {payload_max_bytes: 100}", "audit.payload_max_bytes: '100' (expected: an integer 1024..16777216)");
    }

    @Test
    void invalid_values_name_the_key_the_value_and_the_expectation() {
        assertError("server: {port: 70000}", "server.port: '70000' (expected: an integer 0..65535)");
        assertError("server: {prot: 1}", "server.prot: unknown key (expected one of: host, instance_id, port, shutdown_timeout)");
        assertError("audit: {durability: maybe}", "audit.durability: 'maybe' (expected one of: async, sync)");
        assertError("audit: {payload: all}", "audit.payload: 'all' (expected one of: off, hash, redacted, full)");
        assertError("audit: {flush_interval: soon}",
                "audit.flush_interval: 'soon' (expected: a duration such as 250ms, 30s, 5m, 2h or 90d)");
        assertError("audit: {log_client_ip: yes please}", "audit.log_client_ip: 'yes please' (expected: true or false)");
        assertError("audit: {redaction_patterns: ['([a-z']}", "audit.redaction_patterns[0]: '([a-z' (expected: a Java regular expression");
        assertError("providers: [{name: p, kind: gemini, api_key: k}]", "providers[0].kind: 'gemini' (expected one of: openai, anthropic)");
        assertError("providers: [{name: p, kind: openai, api_key: k, http_client: okhttp}]",
                "providers[0].http_client: 'okhttp' (expected one of: socket, jdk)");
        assertError("providers: [{name: p, kind: openai}]", "providers[0].api_key: missing (expected: the provider's API key");
        assertError("providers: [{name: p, kind: openai, api_key: k, base_url: 'ftp://x'}]",
                "providers[0].base_url: 'ftp://x' (expected: an absolute http:// or https:// URL)");
        assertError("providers: [{name: p, kind: openai, api_key: '${NOPE}'}]",
                "providers[0].api_key: '${NOPE}' is not set (expected: the environment variable NOPE to be set");
        assertError("models: {m: {provider: nobody}}", "models.m.provider: 'nobody' (expected one of the configured providers: none configured)");
        assertError("""
                providers: [{name: p, kind: openai, api_key: k}, {name: a, kind: anthropic, api_key: k}]
                models: {m: {provider: p, fallbacks: [c]}, c: {provider: a}}
                """, "models.m.fallbacks[0]: 'c' is served by a anthropic provider (expected: a openai model, the same protocol)");
        assertError("""
                providers: [{name: p, kind: openai, api_key: k}]
                models: {m: {provider: p, price: {input: cheap, output: 1}}}
                """, "models.m.price.input: 'cheap' (expected: a decimal USD per million tokens)");
        assertError("admin: {token: short}", "admin.token: a 5-character token (expected: at least 16 characters)");
        assertError("server: [1, 2]", "server: '[1,2]' (expected: a mapping of keys)");
    }

    @Test
    void a_missing_file_is_an_error_naming_it(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"), DATA, Map.of()))
                .hasMessageContaining("--config: '" + dir.resolve("nope.yaml") + "' (expected: an existing YAML file)");
    }

    @Test
    void the_admin_token_is_generated_once_owner_only_and_reused(@TempDir Path dir) throws Exception {
        AdminTokenFile.Resolved first = AdminTokenFile.resolve(Optional.empty(), dir);
        AdminTokenFile.Resolved second = AdminTokenFile.resolve(Optional.empty(), dir);

        assertThat(first.generated()).isTrue();
        assertThat(second.generated()).isFalse();
        assertThat(second.token()).isEqualTo(first.token());
        assertThat(first.token().reveal()).startsWith("tadm-").hasSize(69);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(AdminTokenFile.FILE_NAME))))
                .isEqualTo("rw-------");
        assertThat(AdminTokenFile.resolve(Optional.of(new Secret("configured-token-xyz")), dir).token().reveal())
                .isEqualTo("configured-token-xyz");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, DATA, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
