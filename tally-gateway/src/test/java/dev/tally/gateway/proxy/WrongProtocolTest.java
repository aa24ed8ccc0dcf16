package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.server.Gateway;
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
 * A model on the endpoint of the other protocol, over a real socket: with no provider of the
 * endpoint's protocol configured the answer says so and how to add one; with one configured it
 * names the provider that serves the model and the endpoint to call.
 */
class WrongProtocolTest {

    @TempDir
    Path dir;

    @Test
    void messagesWithOnlyOpenAiConfiguredSaysNoAnthropicProviderAndHowToAddOne() throws Exception {
        HttpResponse<String> answer = callWithOnly("OPENAI_API_KEY", "/v1/messages", "gpt-4o");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("model: 'gpt-4o' is served by provider 'openai' (kind openai), and no anthropic "
                + "provider is configured for /v1/messages (expected: call /v1/chat/completions for this model, or add an "
                + "anthropic provider: set ANTHROPIC_API_KEY when the config file has no providers, or add {name: "
                + "anthropic, kind: anthropic, api_key: ${ANTHROPIC_API_KEY}} under providers and route a model to it)");
    }

    @Test
    void chatCompletionsWithOnlyAnthropicConfiguredSaysNoOpenAiProviderAndHowToAddOne() throws Exception {
        HttpResponse<String> answer = callWithOnly("ANTHROPIC_API_KEY", "/v1/chat/completions", "claude-sonnet");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("model: 'claude-sonnet' is served by provider 'anthropic' (kind anthropic), "
                + "and no openai provider is configured for /v1/chat/completions (expected: call /v1/messages for this "
                + "model, or add an openai provider: set OPENAI_API_KEY when the config file has no providers, or add "
                + "{name: openai, kind: openai, api_key: ${OPENAI_API_KEY}} under providers");
    }

    @Test
    void withBothConfiguredTheAnswerNamesTheProviderAndTheEndpoint() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            HttpResponse<String> answer = gw.post("/v1/chat/completions",
                    "{\"model\":\"claude-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("model: 'claude-sonnet' is served by provider 'anthropic' (kind anthropic), "
                    + "which /v1/chat/completions cannot call (expected: a model of an openai provider, or call "
                    + "/v1/messages for this model)");
        }
    }

    /** Starts a gateway configured only by {@code variable} (no file providers), calls {@code path} once. */
    private HttpResponse<String> callWithOnly(String variable, String path, String model) throws Exception {
        try (FakeProvider fake = new FakeProvider()) {
            String baseVariable = variable.replace("_API_KEY", "_BASE_URL");
            String base = variable.startsWith("OPENAI") ? fake.baseUrl() + "/v1" : fake.baseUrl();
            GatewayConfig config = ConfigLoader.parse("server:\n  host: 127.0.0.1\n  port: 0\n", dir,
                    Map.of(variable, "sk-fake-only-provider-secret-0001", baseVariable, base));
            try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
                    Recorder recorder = Recorder.start(store, RecorderConfig.defaults("wrong-protocol", dir),
                            Clock.systemUTC())) {
                Gateway gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC),
                        Clock.systemUTC(), wait -> { }, routing -> { });
                try {
                    String key = gateway.keys().create(KeySettings.named("app"), "test").secret();
                    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                            .header("content-type", "application/json").header("authorization", "Bearer " + key)
                            .header("x-api-key", key)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                                    + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                            .build();
                    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
                } finally {
                    gateway.close();
                }
            }
        }
    }
}
