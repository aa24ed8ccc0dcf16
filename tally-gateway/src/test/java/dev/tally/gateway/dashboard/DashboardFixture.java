package dev.tally.gateway.dashboard;

import static dev.tally.gateway.fake.FakeProvider.json;
import static dev.tally.gateway.fake.FakeProvider.sse;

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
import dev.tally.gateway.server.Gateway;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A whole gateway for the dashboard's tests: a {@link FakeProvider}, a real SQLite store and
 * recorder in a temp dir, the gateway on a free port with an admin token, full payloads kept, and
 * {@link #seed()} to send a known mix of traffic through the proxy: successes over three models
 * (one without a price), provider errors, refusals (unknown model, rate limit), a stream, tags,
 * users, three keys, and failed authentications.
 */
final class DashboardFixture implements AutoCloseable {

    static final String ADMIN_TOKEN = "tadm-dashboard-test-admin-token-0042";
    static final ObjectMapper JSON = new ObjectMapper();

    /** Micro-USD the seeded traffic costs, worked out by hand from the prices below. */
    static final long SEEDED_COST_MICROS = 5_950 + 4_000 + 900 + 60 + 130;
    static final int SEEDED_CALLS = 52;
    static final int SEEDED_SUCCESS = 42;
    static final int SEEDED_ERRORS = 6;
    static final int SEEDED_REFUSED = 4;

    final FakeProvider provider;
    final AuditStore store;
    final Recorder recorder;
    final Gateway gateway;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    DashboardFixture(Path dir) throws Exception {
        this(dir, "", c -> c);
    }

    /**
     * With extra {@code audit:} lines (e.g. {@code "  witness_state: /x\n"}) and the recorder's
     * settings changed by {@code recorderSettings}.
     */
    DashboardFixture(Path dir, String auditLines, java.util.function.UnaryOperator<RecorderConfig> recorderSettings)
            throws Exception {
        provider = new FakeProvider();
        GatewayConfig config = ConfigLoader.parse(yaml(provider.baseUrl()).replace("  payload: full\n",
                "  payload: full\n" + auditLines), dir, Map.of("TALLY_ADMIN_TOKEN", ADMIN_TOKEN));
        SqliteAuditStore sqlite = SqliteAuditStore.open(dir.resolve("tally.db"));
        // A tag budget the seeded traffic crosses, so the Alerts page has rows (pending: no webhook here).
        sqlite.alertRules(new dev.tally.audit.alert.AlertRules(java.util.List.of(), java.util.List.of(
                new dev.tally.audit.alert.AlertBudget(dev.tally.audit.alert.BudgetKind.TAG, "tier=pro", 100L,
                        dev.tally.audit.keys.VirtualKey.BudgetPeriod.MONTH, java.util.List.of(50, 100)))));
        store = sqlite;
        recorder = Recorder.start(store, recorderSettings.apply(RecorderConfig.defaults("dash-chain", dir)), Clock.systemUTC());
        gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC), Clock.systemUTC(),
                d -> { }, routing -> { });
    }

    static String yaml(String fake) {
        return """
                server:
                  host: 127.0.0.1
                  port: 0
                admin:
                  token: ${TALLY_ADMIN_TOKEN}
                audit:
                  payload: full
                providers:
                  - name: openai
                    kind: openai
                    base_url: %s/v1
                    api_key: sk-fake-dashboard-provider-0001
                    retries: {max: 0}
                  - name: backup
                    kind: openai
                    base_url: %s/backup/v1
                    api_key: sk-fake-dashboard-provider-0002
                    retries: {max: 0}
                models:
                  gpt-4o:
                    provider: openai
                    upstream_model: gpt-4o-2024-08-06
                    price: {input: "2.50", output: "10.00"}
                  gpt-4o-mini:
                    provider: backup
                    price: {input: "0.15", output: "0.60"}
                  free-model:
                    provider: openai
                """.formatted(fake, fake);
    }

    String base() {
        return "http://127.0.0.1:" + gateway.port();
    }

    /** Sends the known traffic mix; returns when every record is committed. */
    void seed() throws Exception {
        String teamA = gateway.keys().create(KeySettings.named("team-a"), "test").secret();
        String teamB = gateway.keys().create(KeySettings.named("team-b"), "test").secret();
        String limited = gateway.keys().create(KeySettings.named("batch-job").withRequestsPerMinute(1L), "test").secret();
        for (int i = 0; i < 20; i++) { // 2380 input tokens at $2.50/M + 400 output at $10/M = 5950 + 4000 micro-USD
            provider.then(json(200, Wire.chatCompletion("gpt-4o-2024-08-06", "answer " + i, 100 + 2 * i, 20, 0, 0)));
            chat(teamA, "gpt-4o", "pro", "alice", false);
        }
        for (int i = 0; i < 15; i++) { // 200 in at $0.15/M + 50 out at $0.60/M = 60 micro-USD each
            provider.then(json(200, Wire.chatCompletion("gpt-4o-mini", "short " + i, 200, 50, 0, 0)));
            chat(teamB, "gpt-4o-mini", "free", "bob", false);
        }
        for (int i = 0; i < 5; i++) { // no price: unpriced, never $0
            provider.then(json(200, Wire.chatCompletion("free-model", "free " + i, 10, 5, 0, 0)));
            chat(teamA, "free-model", "free", "carol", false);
        }
        for (int i = 0; i < 4; i++) {
            provider.then(json(500, Wire.openAiError("upstream exploded", "server_error", null)));
            chat(teamB, "gpt-4o", "pro", "bob", false);
        }
        for (int i = 0; i < 2; i++) {
            provider.then(json(400, Wire.openAiError("temperature is out of range", "invalid_request_error", "invalid_value")));
            chat(teamB, "gpt-4o", "pro", "bob", false);
        }
        for (int i = 0; i < 3; i++) {
            chat(teamA, "gpt-9", "pro", "alice", false); // unknown model: refused, never sent upstream
        }
        provider.then(json(200, Wire.chatCompletion("gpt-4o-mini", "batch", 200, 50, 0, 0))); // 60 micro-USD
        chat(limited, "gpt-4o-mini", "batch", null, false);
        chat(limited, "gpt-4o-mini", "batch", null, false); // over 1 request per minute: refused
        // 40 in + 3 out on gpt-4o = 100 + 30 micro-USD
        provider.then(sse(Wire.chatStream("gpt-4o-2024-08-06", List.of("str", "eam", "ed"), 40L, 3L, true)));
        chat(teamA, "gpt-4o", "pro", "alice", true);
        for (int i = 0; i < 2; i++) {
            send("/v1/chat/completions", "tk-not-a-real-key-" + i, "{\"model\":\"gpt-4o\",\"messages\":[]}", Map.of());
        }
        admin("/v1/admin/logs", Map.of(), "not-the-admin-token");
        recorder.flush();
    }

    private void chat(String key, String model, String tier, String user, boolean stream) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}";
        Map<String, String> headers = user == null ? Map.of("x-tally-tag-tier", tier)
                : Map.of("x-tally-tag-tier", tier, "x-tally-user", user);
        send("/v1/chat/completions", key, body, headers);
    }

    private HttpResponse<String> send(String path, String key, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("authorization", "Bearer " + key);
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET an admin route with the admin token; fails unless 200. */
    JsonNode admin(String path, Map<String, String> params) throws IOException, InterruptedException {
        HttpResponse<String> res = admin(path, params, ADMIN_TOKEN);
        if (res.statusCode() != 200) {
            throw new AssertionError(path + " " + params + " → " + res.statusCode() + " " + res.body());
        }
        return JSON.readTree(res.body());
    }

    private HttpResponse<String> admin(String path, Map<String, String> params, String token) throws IOException, InterruptedException {
        StringJoiner query = new StringJoiner("&", "?", "");
        params.forEach((k, v) -> query.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + path + (params.isEmpty() ? "" : query)))
                .header("authorization", "Bearer " + token).GET().build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        gateway.close();
        recorder.close();
        store.close();
        provider.close();
    }
}
