package dev.tally.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtual key's own budget (set through the admin API) as {@code tally serve} runs it on SQLite:
 * it alerts at the thresholds {@code budgets} gives the key by name, and still refuses the call
 * after the one that spent it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServeKeyBudgetAlertTest {

    private static final String SECRET = "whsec-key-budget-0123456789";
    private static final String ADMIN = "an-admin-token-for-key-alerts";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aKeysBudgetAlertsAtItsThresholdsAndStillRefusesOnceSpent() throws Exception {
        try (FakeProvider provider = new FakeProvider();
                WebhookReceiver receiver = new WebhookReceiver(SECRET, 0).start()) {
            provider.otherwise(FakeProvider.json(200, Wire.chatCompletion("m", "hi", 1_000, 0, 0, 0))); // $0.001
            GatewayConfig config = ConfigLoader.parse("""
                    server: {host: 127.0.0.1, port: 0}
                    audit: {durability: sync}
                    providers:
                      - {name: fake, kind: openai, base_url: "%s/v1", api_key: sk-fake-key-alerts-0001}
                    models:
                      m: {provider: fake, price: {input: "1.00", output: "1.00"}}
                    alerts: {url: %s, secret: '%s', backoff: 20ms, poll_interval: 20ms}
                    budgets:
                      - {key: ci-bot, alert_at: [50, 100]}
                    """.formatted(provider.baseUrl(), receiver.url(), SECRET), dir, Map.of("TALLY_ADMIN_TOKEN", ADMIN));
            try (GatewayRuntime gateway = GatewayRuntime.start(config, dir, Clock.systemUTC())) {
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri(gateway, "/v1/admin/keys"))
                        .header("authorization", "Bearer " + ADMIN).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"name\":\"ci-bot\",\"budget_micros\":2000,\"budget_period\":\"month\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                JsonNode key = JSON.readTree(created.body());

                assertThat(call(gateway, key.path("secret").asText())).isEqualTo(200); // 50%
                assertThat(call(gateway, key.path("secret").asText())).isEqualTo(200); // 100%
                assertThat(call(gateway, key.path("secret").asText())).isEqualTo(429); // budget_exceeded

                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (receiver.deliveries().size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(receiver.deliveries()).hasSize(2).allSatisfy(d -> {
                    assertThat(d.valid()).isTrue();
                    assertThat(JSON.readTree(d.body()).path("budget").path("id").asText())
                            .isEqualTo("key:" + key.path("id").asText());
                });
                assertThat(receiver.deliveries()).extracting(d -> JSON.readTree(d.body()).path("threshold_percent").asInt())
                        .containsExactlyInAnyOrder(50, 100);
            }
        }
    }

    private int call(GatewayRuntime gateway, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(gateway, "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static URI uri(GatewayRuntime gateway, String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }
}
