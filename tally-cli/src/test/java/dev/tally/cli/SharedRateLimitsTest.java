package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.limits.SharedRates;
import dev.tally.gateway.server.GatewayRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code requests_per_minute} held by a fleet: three gateways ({@link GatewayRuntime}, in
 * process) on one PostgreSQL database, more calls than the key's limit sent through all three
 * at once. Without sharing each would admit the whole limit (3x); with leased slices the fleet
 * admits the limit, plus what refilled while the test ran, plus at most one slice per instance.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SharedRateLimitsTest {

    private static final long LIMIT = 120;
    private static final int INSTANCES = 3;

    @TempDir
    Path dir;

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<GatewayRuntime> gateways = new ArrayList<>();
    private String database;
    private HttpServer provider;

    @BeforeEach
    void start() throws IOException {
        database = server.newDatabase();
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        provider.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":"
                    + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        provider.start();
    }

    @AfterEach
    void stop() {
        gateways.forEach(GatewayRuntime::close);
        provider.stop(0);
        server.dropDatabase(database);
    }

    @Test
    void threeInstancesAdmitTheKeysLimitWithinOneSlicePerInstance() throws Exception {
        String secret;
        try (PostgresAuditStore store = PostgresAuditStore.open(
                PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null))) {
            Recorder admin = Recorder.start(store, RecorderConfig.defaults("test-admin", dir.resolve("admin")),
                    Clock.systemUTC());
            secret = new KeyService(store, admin::commitChange, IdSource.system(), new SecureRandom(),
                    Clock.systemUTC(), Duration.ZERO).create(KeySettings.named("app").withRequestsPerMinute(LIMIT),
                    "test").secret();
            admin.close();
        }
        for (int i = 0; i < INSTANCES; i++) {
            Path data = dir.resolve("gw-" + i);
            GatewayConfig config = ConfigLoader.parse("""
                    server: {host: 127.0.0.1, port: 0}
                    store: {url: "%s", user: postgres}
                    providers:
                      - {name: openai, kind: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-test-provider"}
                    models:
                      gpt-4o: {provider: openai}
                    """.formatted(server.storeUrl(database), provider.getAddress().getPort()), data, Map.of());
            gateways.add(GatewayRuntime.start(config, data, Clock.systemUTC()));
        }

        int perInstance = (int) LIMIT; // 3x the limit in all: what the fleet admitted without sharing
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (GatewayRuntime g : gateways) {
            for (int t = 0; t < 2; t++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < perInstance / 2; i++) {
                        int status = chat(g.port(), secret);
                        (status == 200 ? ok : status == 429 ? limited : other).incrementAndGet();
                    }
                }));
            }
        }
        for (Thread t : senders) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        long refilled = (long) Math.ceil(LIMIT * seconds / 60); // the bucket refills at the limit per minute
        long slice = SharedRates.sliceOf(LIMIT);
        long overshoot = ok.get() - (LIMIT + refilled);
        System.out.printf("shared rate limit: %d instances, limit %d/min, %d calls in %.1f s: %d answered 2xx, "
                + "%d 429, %d other; allowed %d + %d refilled; overshoot %d (bound: %d instances x slice %d = %d)%n",
                INSTANCES, LIMIT, INSTANCES * perInstance, seconds, ok.get(), limited.get(), other.get(), LIMIT,
                refilled, overshoot, INSTANCES, slice, INSTANCES * slice);
        assertThat(other.get()).isZero();
        assertThat(ok.get() + limited.get()).isEqualTo(INSTANCES * perInstance);
        assertThat(overshoot).as("calls admitted beyond the limit and its refill").isLessThanOrEqualTo(INSTANCES * slice);
        assertThat((long) ok.get()).as("the fleet still gets its limit, less what instances hold unspent")
                .isGreaterThanOrEqualTo(LIMIT - INSTANCES * slice);
    }

    private int chat(int port, String secret) {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                    .header("authorization", "Bearer " + secret).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 429) {
                assertThat(res.body()).contains("rate_limit_exceeded").contains("requests_per_minute: limit 120");
            }
            return res.statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
