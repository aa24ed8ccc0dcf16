package dev.tally.gateway.proxy;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.SecurityEvent;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A whole gateway over real sockets for tests: a {@link FakeProvider}, a real SQLite store and
 * recorder in a temp dir, the gateway on a free port, one virtual key. Records are read back
 * through the store's query API after {@code recorder.flush()}. Retry waits are recorded, not
 * slept (so tests assert them without timing).
 */
final class GatewayFixture implements AutoCloseable {

    static final String OPENAI_KEY = "sk-fake-openai-provider-secret-0001";
    static final String BACKUP_KEY = "sk-fake-backup-provider-secret-0002";
    static final String ANTHROPIC_KEY = "sk-ant-fake-provider-secret-0003";
    static final String ADMIN_TOKEN = "tadm-fixture-admin-token-0004";

    final Path dir;
    final FakeProvider provider;
    final AuditStore store;
    final Recorder recorder;
    final GatewayConfig config;
    final Gateway gateway;
    final String clientKey;
    final List<Duration> retryWaits = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private GatewayFixture(Path dir, Durability durability, Function<AuditStore, AuditStore> storeWrapper, String extraYaml)
            throws Exception {
        this(dir, durability, storeWrapper, extraYaml, "socket");
    }

    private GatewayFixture(Path dir, Durability durability, Function<AuditStore, AuditStore> storeWrapper, String extraYaml,
            String httpClient) throws Exception {
        this.dir = dir;
        this.provider = new FakeProvider();
        String yaml = yaml(provider.baseUrl(), durability).replace("  durability:", extraYaml + "  durability:")
                .replaceAll("\n    kind: (openai|anthropic)\n", "\n    kind: $1\n    http_client: " + httpClient + "\n");
        this.config = ConfigLoader.parse(yaml, dir,
                Map.of("FAKE_OPENAI_KEY", OPENAI_KEY, "FAKE_ANTHROPIC_KEY", ANTHROPIC_KEY, "TALLY_ADMIN_TOKEN", ADMIN_TOKEN));
        if (config.providers().values().stream().anyMatch(p -> !p.httpClient().name().equalsIgnoreCase(httpClient))) {
            throw new IllegalStateException("fixture: a provider is not on http_client " + httpClient);
        }
        this.store = storeWrapper.apply(SqliteAuditStore.open(dir.resolve("tally.db")));
        this.recorder = Recorder.start(store, RecorderConfig.defaults("test-chain", dir).withDurability(durability), Clock.systemUTC());
        this.gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, durability), Clock.systemUTC(),
                retryWaits::add, routing -> { });
        this.clientKey = gateway.keys().create(KeySettings.named("team-a"), "test").secret();
    }

    static GatewayFixture start(Path dir) throws Exception {
        return new GatewayFixture(dir, Durability.ASYNC, s -> s, "");
    }

    /** Every provider called with {@code http_client: client} ({@code socket} or {@code jdk}). */
    static GatewayFixture startWithHttpClient(Path dir, String client) throws Exception {
        return new GatewayFixture(dir, Durability.ASYNC, s -> s, "", client);
    }

    static GatewayFixture start(Path dir, Durability durability, Function<AuditStore, AuditStore> storeWrapper) throws Exception {
        return new GatewayFixture(dir, durability, storeWrapper, "");
    }

    /** With extra {@code audit:} lines, e.g. {@code "  log_client_ip: false\n"}. */
    static GatewayFixture startWithAudit(Path dir, String auditLines) throws Exception {
        return new GatewayFixture(dir, Durability.ASYNC, s -> s, auditLines);
    }

    /** In {@code durability} mode with extra {@code audit:} lines. */
    static GatewayFixture startWithAudit(Path dir, Durability durability, String auditLines) throws Exception {
        return new GatewayFixture(dir, durability, s -> s, auditLines);
    }

    static String yaml(String fake, Durability durability) {
        return """
                server:
                  host: 127.0.0.1
                  port: 0
                audit:
                  durability: %s
                providers:
                  - name: openai
                    kind: openai
                    base_url: %s/v1
                    api_key: ${FAKE_OPENAI_KEY}
                    retries: {max: 2, backoff: 5ms, max_backoff: 2s}
                    timeouts: {connect: 2s, first_byte: 3s, idle: 3s, total: 20s}
                  - name: backup
                    kind: openai
                    base_url: %s/backup/v1
                    api_key: %s
                    retries: {max: 0}
                  - name: slow
                    kind: openai
                    base_url: %s/slow/v1
                    api_key: sk-fake-slow-provider-secret-0005
                    retries: {max: 0}
                    timeouts: {first_byte: 300ms, idle: 300ms, total: 5s}
                  - name: dead
                    kind: openai
                    base_url: http://127.0.0.1:1/v1
                    api_key: sk-fake-dead-provider-secret-0006
                    retries: {max: 1, backoff: 7ms}
                    timeouts: {connect: 1s}
                  - name: anthropic
                    kind: anthropic
                    base_url: %s
                    api_key: ${FAKE_ANTHROPIC_KEY}
                    retries: {max: 1, backoff: 5ms}
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
                  text-embedding-3-small:
                    provider: openai
                    price: {input: "0.02", output: "0"}
                  claude-sonnet:
                    provider: anthropic
                    upstream_model: claude-sonnet-4-5
                    price: {input: "3", cached_input: "0.30", cache_write: "3.75", output: "15"}
                  free-model:
                    provider: openai
                  slow-model:
                    provider: slow
                    fallbacks: [gpt-4o-mini]
                  dead-model:
                    provider: dead
                """.formatted(durability.name().toLowerCase(java.util.Locale.ROOT), fake, fake, BACKUP_KEY, fake, fake);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("authorization", "Bearer " + clientKey);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every call record, oldest first, after the recorder flushed. */
    List<CallRecord> calls() throws InterruptedException {
        recorder.flush();
        List<CallRecord> out = new ArrayList<>();
        store.calls(CallQuery.all(1000)).data().forEach(e -> out.add((CallRecord) e.entry()));
        out.sort(Comparator.comparing(CallRecord::id));
        return out;
    }

    /** The only call record; fails when there is not exactly one. */
    CallRecord onlyCall() throws InterruptedException {
        List<CallRecord> calls = calls();
        if (calls.size() != 1) {
            throw new AssertionError("expected exactly one call record, found " + calls.size() + ": " + calls);
        }
        return calls.getFirst();
    }

    /** Security events, oldest first. */
    List<SecurityEvent> securityEvents() throws InterruptedException {
        recorder.flush();
        List<SecurityEvent> out = new ArrayList<>();
        for (var e : store.events(new EventQuery(null, null, null, 1000, null)).data()) {
            AuditEntry entry = e.entry();
            if (entry instanceof SecurityEvent event) {
                out.add(event);
            }
        }
        out.sort(Comparator.comparing(SecurityEvent::id));
        return out;
    }

    @Override
    public void close() {
        gateway.close();
        recorder.close();
        store.close();
        provider.close();
    }
}
