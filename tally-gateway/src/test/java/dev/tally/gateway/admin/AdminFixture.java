package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.keys.MutableClock;
import dev.tally.gateway.server.Gateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * A whole gateway over real sockets for admin API tests: a {@link FakeProvider}, a real SQLite
 * store and recorder in a temp dir, the gateway on a free port with a known admin token, one
 * virtual key. The gateway's clock is a {@link MutableClock}, so seeded calls get the start
 * times a test chooses. Traffic is seeded through the proxy; answers are read over HTTP.
 */
final class AdminFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_TOKEN = "tadm-admin-api-test-token-0001";

    final Path dir;
    final FakeProvider provider;
    final AuditStore store;
    final Recorder recorder;
    final GatewayConfig config;
    final MutableClock clock;
    final Gateway gateway;
    final String clientKey;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private AdminFixture(Path dir, String auditLines, Function<AuditStore, AuditStore> storeWrapper) throws Exception {
        this(dir, auditLines, storeWrapper, c -> c);
    }

    private AdminFixture(Path dir, String auditLines, Function<AuditStore, AuditStore> storeWrapper,
            java.util.function.UnaryOperator<RecorderConfig> recorderSettings) throws Exception {
        this.dir = dir;
        this.provider = new FakeProvider();
        this.clock = MutableClock.at("2026-11-20T10:00:00Z");
        this.config = ConfigLoader.parse(yaml(provider.baseUrl(), auditLines), dir,
                Map.of("FAKE_OPENAI_KEY", "sk-fake-openai-provider-secret-0001", "TALLY_ADMIN_TOKEN", ADMIN_TOKEN));
        this.store = storeWrapper.apply(SqliteAuditStore.open(dir.resolve("tally.db")));
        this.recorder = Recorder.start(store, recorderSettings.apply(RecorderConfig.defaults("test-chain", dir)
                .withCheckpointEvery(5)), Clock.systemUTC());
        this.gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC), clock,
                d -> { }, routing -> { });
        this.clientKey = gateway.keys().create(KeySettings.named("team-a"), "test").secret();
    }

    static AdminFixture start(Path dir) throws Exception {
        return new AdminFixture(dir, "", s -> s);
    }

    /** With extra {@code audit:} lines, e.g. {@code "  log_client_ip: false\n"}. */
    static AdminFixture startWithAudit(Path dir, String auditLines) throws Exception {
        return new AdminFixture(dir, auditLines, s -> s);
    }

    /**
     * With extra {@code audit:} lines and the recorder's settings changed by {@code recorderSettings}
     * (e.g. a sign interval so long that no head is signed by time during a test).
     */
    static AdminFixture startWith(Path dir, String auditLines, java.util.function.UnaryOperator<RecorderConfig> recorderSettings)
            throws Exception {
        return new AdminFixture(dir, auditLines, s -> s, recorderSettings);
    }

    /** On a store wrapped by {@code storeWrapper} (e.g. a fault-injecting one). */
    static AdminFixture startOn(Path dir, Function<AuditStore, AuditStore> storeWrapper) throws Exception {
        return new AdminFixture(dir, "", storeWrapper);
    }

    private static String yaml(String fake, String auditLines) {
        return """
                server:
                  host: 127.0.0.1
                  port: 0
                audit:
                %s  durability: async
                providers:
                  - name: openai
                    kind: openai
                    base_url: %s/v1
                    api_key: ${FAKE_OPENAI_KEY}
                    retries: {max: 0}
                  - name: backup
                    kind: openai
                    base_url: %s/backup/v1
                    api_key: sk-fake-backup-provider-secret-0002
                    retries: {max: 0}
                models:
                  gpt-4o:
                    provider: openai
                    upstream_model: gpt-4o-2024-08-06
                    price: {input: "2.50", cached_input: "1.25", output: "10.00"}
                  gpt-4o-mini:
                    provider: backup
                    price: {input: "0.15", output: "0.60"}
                  free-model:
                    provider: openai
                """.formatted(auditLines, fake, fake);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    /** A successful chat call at the clock's time, with {@code prompt}/{@code completion} tokens. */
    HttpResponse<String> chat(String key, String model, String user, long prompt, long completion, String... headers)
            throws IOException, InterruptedException {
        provider.then(FakeProvider.json(200, Wire.chatCompletion(model + "-upstream", "Hello!", prompt, completion, 0, 0)));
        return chatRequest(key, model, user, headers);
    }

    /** A chat call the provider fails with {@code status}. */
    HttpResponse<String> failingChat(String key, String model, int status) throws IOException, InterruptedException {
        provider.then(FakeProvider.json(status, Wire.openAiError("upstream says no", "invalid_request_error", "bad")));
        return chatRequest(key, model, null);
    }

    HttpResponse<String> chatRequest(String key, String model, String user, String... headers)
            throws IOException, InterruptedException {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + (user == null ? "" : ",\"user\":\"" + user + "\"") + "}";
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("authorization", "Bearer " + key);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sets the gateway clock, so the next calls start at {@code iso}. */
    void at(String iso) {
        clock.set(Instant.parse(iso));
    }

    /** GET with the admin token, after the recorder flushed everything seeded so far. */
    HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return send("GET", path, null, ADMIN_TOKEN);
    }

    /** The JSON of a 200 admin GET; fails on any other status. */
    JsonNode adminJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> res = admin(path);
        if (res.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + res.statusCode() + ": " + res.body());
        }
        return JSON.readTree(res.body());
    }

    /** Any method, body (JSON, or null) and bearer token (or null for none). */
    HttpResponse<String> send(String method, String path, String body, String token)
            throws IOException, InterruptedException {
        recorder.flush();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        gateway.close();
        recorder.close();
        store.close();
        provider.close();
    }
}
