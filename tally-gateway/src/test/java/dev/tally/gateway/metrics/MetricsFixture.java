package dev.tally.gateway.metrics;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.server.Gateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A whole gateway over real sockets for the metrics and tracing tests: a {@link FakeProvider}, a
 * real SQLite store and recorder in a temp dir, the gateway on a free port with extra top-level
 * YAML (e.g. a {@code telemetry:} section), one virtual key. Retry waits are not slept.
 */
public final class MetricsFixture implements AutoCloseable {

    public static final String OPENAI_KEY = "sk-fake-openai-provider-secret-0001";
    public static final String BACKUP_KEY = "sk-fake-backup-provider-secret-0002";
    public static final String ADMIN_TOKEN = "tadm-fixture-admin-token-0004";

    public final FakeProvider provider;
    public final AuditStore store;
    public final Recorder recorder;
    public final Gateway gateway;
    public final String clientKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private boolean closed;

    private MetricsFixture(Path dir, String extraYaml) throws Exception {
        this.provider = new FakeProvider();
        String fake = provider.baseUrl();
        GatewayConfig config = ConfigLoader.parse("""
                server:
                  host: 127.0.0.1
                  port: 0
                admin:
                  token: %s
                providers:
                  - name: openai
                    kind: openai
                    base_url: %s/v1
                    api_key: %s
                    retries: {max: 2, backoff: 5ms}
                  - name: backup
                    kind: openai
                    base_url: %s/backup/v1
                    api_key: %s
                    retries: {max: 0}
                models:
                  gpt-4o:
                    provider: openai
                    upstream_model: gpt-4o-2024-08-06
                    fallbacks: [gpt-4o-mini]
                    price: {input: "2.50", cached_input: "1.25", output: "10.00"}
                  gpt-4o-mini:
                    provider: backup
                    upstream_model: gpt-4o-mini-2024-07-18
                    price: {input: "0.15", output: "0.60"}
                  free-model:
                    provider: openai
                """.formatted(ADMIN_TOKEN, fake, OPENAI_KEY, fake, BACKUP_KEY) + extraYaml, dir, Map.of());
        this.store = SqliteAuditStore.open(dir.resolve("tally.db"));
        this.recorder = Recorder.start(store, RecorderConfig.defaults("test-chain", dir), Clock.systemUTC());
        this.gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC),
                Clock.systemUTC(), wait -> { }, routing -> { });
        this.clientKey = gateway.keys().create(KeySettings.named("team-a"), "test").secret();
    }

    /** A gateway with the fixture's providers and models, plus {@code extraYaml} top-level sections. */
    public static MetricsFixture start(Path dir, String extraYaml) throws Exception {
        return new MetricsFixture(dir, extraYaml);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    /** POSTs {@code body} with the fixture's virtual key and extra header pairs. */
    public HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("authorization", "Bearer " + clientKey);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A chat request for {@code model} saying {@code text}. */
    public HttpResponse<String> chat(String model, String text, String... headers) throws IOException, InterruptedException {
        return post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + text + "\"}]}", headers);
    }

    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every call record, oldest first, after the recorder flushed. */
    public List<CallRecord> calls() throws InterruptedException {
        recorder.flush();
        List<CallRecord> out = new ArrayList<>();
        store.calls(CallQuery.all(1000)).data().forEach(e -> out.add((CallRecord) e.entry()));
        out.sort(Comparator.comparing(CallRecord::id));
        return out;
    }

    /** How many entries the store holds on the chain: call records plus security and admin events. */
    public int entries() throws InterruptedException {
        recorder.flush();
        return store.calls(CallQuery.all(1000)).data().size() + store.events(new EventQuery(null, null, null, 1000, null)).data().size();
    }

    /** Stops the gateway (exporting queued spans), then the recorder and store. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        gateway.close();
        recorder.close();
        store.close();
        provider.close();
    }
}
