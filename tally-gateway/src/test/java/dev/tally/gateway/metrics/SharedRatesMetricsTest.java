package dev.tally.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.server.GatewayRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet-wide rate limits' counters on {@code /metrics}: there on a PostgreSQL store, counting
 * the leases a limited key's calls take; absent on SQLite, where limits are per instance. So is
 * the count of failed rollup folds, which only a PostgreSQL store makes (its failures are counted
 * in {@code PostgresRollupFoldTest}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SharedRatesMetricsTest {

    private static final String ADMIN = "an-admin-token-for-metrics-tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aLimitedKeysCallsLeaseSlicesAndTheCountersShowIt() throws Exception {
        String database = postgres.newDatabase();
        try (FakeProvider provider = new FakeProvider()) {
            provider.otherwise(FakeProvider.json(200, Wire.chatCompletion("m", "hi", 10, 0, 2, 0)));
            GatewayConfig config = ConfigLoader.parse(yaml("store: {url: '%s', user: %s}"
                    .formatted(postgres.storeUrl(database), postgres.user()), provider), dir, Map.of("TALLY_ADMIN_TOKEN", ADMIN));
            try (GatewayRuntime gateway = GatewayRuntime.start(config, dir, Clock.systemUTC())) {
                String key = createKey(gateway);
                for (int i = 0; i < 5; i++) {
                    HttpResponse<String> res = send(gateway, HttpRequest.newBuilder(uri(gateway, "/v1/chat/completions"))
                            .header("authorization", "Bearer " + key).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                                    + "\"content\":\"hi\"}]}")));
                    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                }

                Scraped m = scrape(gateway);
                assertThat(m.value("tally_limits_shared_leases_total")).isPositive();
                assertThat(m.value("tally_limits_shared_lease_failures_total")).isZero();
                assertThat(m.value("tally_limits_shared_local_decisions_total")).isZero();
                assertThat(m.value("tally_limits_shared_reachable")).isEqualTo(1);
                assertThat(m.value("tally_audit_rollup_fold_failures_total")).isZero();
            }
        } finally {
            postgres.dropDatabase(database);
        }
    }

    @Test
    void aSqliteStoreHasNoSharedLimitsToCount() throws Exception {
        try (FakeProvider provider = new FakeProvider()) {
            GatewayConfig config = ConfigLoader.parse(yaml("store: {url: 'sqlite:" + dir.resolve("tally.db") + "'}", provider),
                    dir, Map.of("TALLY_ADMIN_TOKEN", ADMIN));
            try (GatewayRuntime gateway = GatewayRuntime.start(config, dir, Clock.systemUTC())) {
                Scraped m = scrape(gateway);
                assertThat(m.find("tally_limits_shared_leases_total")).isEmpty();
                assertThat(m.find("tally_audit_rollup_fold_failures_total")).isEmpty();
            }
        }
    }

    private static String yaml(String store, FakeProvider provider) {
        return """
                server: {host: 127.0.0.1, port: 0}
                %s
                providers:
                  - {name: fake, kind: openai, base_url: "%s/v1", api_key: sk-fake-metrics-provider-0001}
                models:
                  m: {provider: fake}
                """.formatted(store, provider.baseUrl());
    }

    private String createKey(GatewayRuntime gateway) throws Exception {
        HttpResponse<String> res = send(gateway, HttpRequest.newBuilder(uri(gateway, "/v1/admin/keys"))
                .header("authorization", "Bearer " + ADMIN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"limited\",\"requests_per_minute\":600}")));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return JSON.readTree(res.body()).path("secret").asText();
    }

    private Scraped scrape(GatewayRuntime gateway) throws Exception {
        HttpResponse<String> res = send(gateway, HttpRequest.newBuilder(uri(gateway, "/metrics")));
        assertThat(res.statusCode()).isEqualTo(200);
        return new Scraped(res.body());
    }

    private HttpResponse<String> send(GatewayRuntime gateway, HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(GatewayRuntime gateway, String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }
}
