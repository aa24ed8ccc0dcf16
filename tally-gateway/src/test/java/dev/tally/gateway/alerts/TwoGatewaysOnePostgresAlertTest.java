package dev.tally.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways ({@code tally serve} as {@link GatewayRuntime} runs it) on one embedded
 * PostgreSQL, both serving calls with the same tag at once: each threshold of the tag's budget
 * reaches the webhook receiver exactly once, as one {@code budget_alert_delivered} event, and
 * {@code GET /v1/admin/alerts} on either gateway lists it as delivered.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TwoGatewaysOnePostgresAlertTest {

    private static final String SECRET = "whsec-two-gateways-0123456789";
    private static final String ADMIN = "an-admin-token-for-alert-tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<GatewayRuntime> gateways = new ArrayList<>();
    private String database;

    @AfterEach
    void stop() {
        gateways.forEach(GatewayRuntime::close);
        if (database != null) {
            postgres.dropDatabase(database);
        }
    }

    @Test
    void bothGatewaysCrossTheSameThresholdsAndTheReceiverGetsEachOnce() throws Exception {
        database = postgres.newDatabase();
        try (FakeProvider provider = new FakeProvider();
                WebhookReceiver receiver = new WebhookReceiver(SECRET, 0).start()) {
            // 1,000 input tokens at $1 per million: $0.001 a call; the budget is $0.01 a month.
            provider.otherwise(FakeProvider.json(200, Wire.chatCompletion("m", "hi", 1_000, 0, 0, 0)));
            for (String instance : List.of("gw-a", "gw-b")) {
                GatewayConfig config = ConfigLoader.parse("""
                        server: {host: 127.0.0.1, port: 0, instance_id: %s}
                        store: {url: '%s', user: %s}
                        audit: {durability: sync}
                        providers:
                          - {name: fake, kind: openai, base_url: "%s/v1", api_key: sk-fake-alerts-provider-0001}
                        models:
                          m: {provider: fake, price: {input: "1.00", output: "1.00"}}
                        alerts:
                          url: %s
                          secret: ${ALERT_SECRET}
                          backoff: 20ms
                          poll_interval: 20ms
                        budgets:
                          - {tag: team=search, monthly_usd: 0.01, alert_at: [50, 100]}
                        """.formatted(instance, postgres.storeUrl(database), postgres.user(), provider.baseUrl(),
                        receiver.url()), dir.resolve(instance), Map.of("TALLY_ADMIN_TOKEN", ADMIN, "ALERT_SECRET", SECRET));
                gateways.add(GatewayRuntime.start(config, dir.resolve(instance), Clock.systemUTC()));
            }
            String key = createKey(gateways.getFirst());

            List<Thread> callers = new ArrayList<>();
            for (GatewayRuntime gateway : gateways) {
                for (int t = 0; t < 2; t++) {
                    callers.add(Thread.ofVirtual().start(() -> {
                        for (int i = 0; i < 3; i++) {
                            call(gateway, key);
                        }
                    }));
                }
            }
            for (Thread t : callers) {
                t.join();
            }
            // 12 calls, $0.012: both thresholds crossed. With sync durability every answered call is
            // committed, so this last call's commit sees them all, whichever gateway missed them.
            call(gateways.getLast(), key);

            await(() -> receiver.deliveries().size() >= 2 && deliveredQuietly(gateways.getFirst()) == 2);
            Thread.sleep(500); // both dispatchers poll many times more: nothing is sent twice
            assertThat(receiver.deliveries()).hasSize(2).allSatisfy(d -> assertThat(d.valid()).isTrue());
            assertThat(receiver.deliveries()).extracting(d -> JSON.readTree(d.body()).path("threshold_percent").asInt())
                    .containsExactlyInAnyOrder(50, 100);
            for (GatewayRuntime gateway : gateways) {
                assertThat(delivered(gateway)).extracting(a -> a.path("state").asText()).containsOnly("delivered");
            }
            JsonNode events = admin(gateways.getFirst(), "/v1/admin/events?type=budget_alert_delivered&limit=100");
            assertThat(events.path("data")).hasSize(2);
            assertThat(events.toString()).doesNotContain(SECRET);
            long delivered = 0;
            for (GatewayRuntime gateway : gateways) {
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(uri(gateway, "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^tally_alerts_delivered_total ([0-9.]+)$")
                        .matcher(metrics.body());
                assertThat(m.find()).as(metrics.body()).isTrue();
                delivered += (long) Double.parseDouble(m.group(1));
                assertThat(metrics.body()).contains("tally_alerts_failed_total 0.0");
            }
            assertThat(delivered).as("deliveries counted across both gateways").isEqualTo(2);
        }
    }

    private int deliveredQuietly(GatewayRuntime gateway) {
        try {
            return delivered(gateway).size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<JsonNode> delivered(GatewayRuntime gateway) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        admin(gateway, "/v1/admin/alerts?state=delivered").path("data").forEach(out::add);
        return out;
    }

    private JsonNode admin(GatewayRuntime gateway, String path) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri(gateway, path))
                .header("authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private void call(GatewayRuntime gateway, String key) {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri(gateway, "/v1/chat/completions"))
                    .header("authorization", "Bearer " + key).header("content-type", "application/json")
                    .header("x-tally-tag-team", "search")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private String createKey(GatewayRuntime gateway) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri(gateway, "/v1/admin/keys"))
                .header("authorization", "Bearer " + ADMIN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"alerts\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return JSON.readTree(res.body()).path("secret").asText();
    }

    private static URI uri(GatewayRuntime gateway, String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 60 s");
            }
            Thread.sleep(20);
        }
    }
}
