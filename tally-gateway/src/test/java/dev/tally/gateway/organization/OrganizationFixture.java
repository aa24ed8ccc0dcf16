package dev.tally.gateway.organization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.keys.MutableClock;
import dev.tally.gateway.server.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * A whole gateway over real sockets on a given store (SQLite or PostgreSQL): a {@link FakeProvider},
 * a recorder, the gateway on a free port with a known admin token and a {@link MutableClock}, so
 * calls seeded through the proxy start when a test says. Prices are chosen so that OpenAI's
 * documented example figures can be reproduced exactly: {@code gpt-4o} costs 10 USD per million
 * input tokens, 5 cached and 104 output; the embedding model is unpriced.
 */
final class OrganizationFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_TOKEN = "tadm-organization-api-test-token-01";

    final FakeProvider provider;
    final AuditStore store;
    final Recorder recorder;
    final MutableClock clock;
    final Gateway gateway;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    OrganizationFixture(Path dir, AuditStore store) throws Exception {
        this.store = store;
        this.provider = new FakeProvider();
        this.clock = MutableClock.at("2024-11-01T00:00:00Z");
        GatewayConfig config = ConfigLoader.parse("""
                server:
                  host: 127.0.0.1
                  port: 0
                audit:
                  durability: async
                providers:
                  - name: openai
                    kind: openai
                    base_url: %s/v1
                    api_key: sk-fake-openai-provider-secret-0001
                    retries: {max: 0}
                models:
                  gpt-4o:
                    provider: openai
                    price: {input: "10", cached_input: "5", output: "104"}
                  gpt-4o-mini:
                    provider: openai
                    price: {input: "1", output: "2"}
                  text-embedding-3-small:
                    provider: openai
                """.formatted(provider.baseUrl()), dir, Map.of("TALLY_ADMIN_TOKEN", ADMIN_TOKEN));
        this.recorder = Recorder.start(store, RecorderConfig.defaults("test-chain", dir), Clock.systemUTC());
        this.gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC), clock,
                d -> { }, routing -> { });
    }

    /** A new virtual key's id and secret. */
    String[] key(String name) throws InterruptedException {
        var created = gateway.keys().create(KeySettings.named(name), "test");
        return new String[] {created.key().id(), created.secret()};
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    /** A chat call at {@code iso}: {@code prompt} input tokens of which {@code cached} cached, {@code completion} output. */
    void chat(String iso, String secret, String model, String user, String project, long prompt, long cached,
            long completion) throws Exception {
        clock.set(Instant.parse(iso));
        provider.then(FakeProvider.json(200, Wire.chatCompletion(model, "Hello!", prompt, completion, cached, 0)));
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + (user == null ? "" : ",\"user\":\"" + user + "\"") + "}";
        post("/v1/chat/completions", secret, body, project);
    }

    /** An embeddings call at {@code iso} with {@code tokens} input tokens. */
    void embed(String iso, String secret, String user, String project, long tokens) throws Exception {
        clock.set(Instant.parse(iso));
        provider.then(FakeProvider.json(200, Wire.embeddings("text-embedding-3-small", tokens)));
        post("/v1/embeddings", secret, "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\""
                + (user == null ? "" : ",\"user\":\"" + user + "\"") + "}", project);
    }

    private void post(String path, String secret, String body, String project) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("authorization", "Bearer " + secret);
        if (project != null) {
            b.header("x-tally-tag-project", project);
        }
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    }

    /** GET {@code pathAndQuery} with the admin token (null: none), once everything seeded is stored. */
    HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
        recorder.flush();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON of a 200 answer with the admin token; fails on any other status. */
    JsonNode json(String pathAndQuery) throws Exception {
        HttpResponse<String> res = get(pathAndQuery, ADMIN_TOKEN);
        assertThat(res.statusCode()).as(pathAndQuery + ": " + res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    @Override
    public void close() {
        gateway.close();
        recorder.close();
        store.close();
        provider.close();
    }
}
