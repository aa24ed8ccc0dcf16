package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageStats;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import dev.tally.audit.verify.VerifyReport;
import dev.tally.audit.verify.Verifier;
import dev.tally.gateway.keys.CreatedKey;
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.limits.SharedRates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet: three {@code tally serve} processes on one PostgreSQL database under mixed load
 * (plain and streamed chat, a provider failing with 500, unknown models, a key at its
 * requests-per-minute limit), one of them killed with SIGKILL and started again on its data
 * directory. Afterwards: every answered call has exactly one record, every chain verifies,
 * usage equals the sum of the records, and the fleet held the shared limit.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostgresFleetTest {

    private static final long LIMIT = 60;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private String database;
    private HttpServer provider;
    private final List<GatewayProcess> gateways = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        database = server.newDatabase();
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        provider.createContext("/v1/chat/completions", PostgresFleetTest::answer);
        provider.createContext("/down/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        provider.start();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (request.replace(" ", "").contains("\"stream\":true")) {
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String word : List.of("hel", "lo")) {
                    out.write(("data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word + "\"},\"finish_reason\":null}]}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write(("data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}\n\n"
                        + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        byte[] body = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (GatewayProcess g : gateways) {
            g.close();
        }
        provider.stop(0);
        server.dropDatabase(database);
    }

    private Path config() throws IOException {
        Path config = dir.resolve("tally.yaml");
        int port = provider.getAddress().getPort();
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0}
                store: {url: "%s", user: postgres}
                audit: {durability: sync}
                providers:
                  - {name: openai, kind: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${TEST_PROVIDER_KEY}"}
                  - {name: flaky, kind: openai, base_url: "http://127.0.0.1:%d/down/v1", api_key: "${TEST_PROVIDER_KEY}"}
                models:
                  gpt-4o: {provider: openai, price: {input: "2.50", output: "10.00"}}
                  gpt-flaky: {provider: flaky, price: {input: "2.50", output: "10.00"}}
                """.formatted(server.storeUrl(database), port, port));
        return config;
    }

    private GatewayProcess serve(Path config, Path data) throws IOException, InterruptedException {
        GatewayProcess g = GatewayProcess.start(config, data, Map.of("TEST_PROVIDER_KEY", "sk-fleet-provider-secret-5f1e",
                "TALLY_ADMIN_TOKEN", "tadm-fleet-admin-token-000000001"));
        gateways.add(g);
        return g;
    }

    /** Outcome counters of one run of traffic. */
    private record Tally(Set<String> answered, AtomicInteger limited, AtomicInteger broken) {
        Tally() {
            this(ConcurrentHashMap.newKeySet(), new AtomicInteger(), new AtomicInteger());
        }
    }

    /** Mixed calls through {@code g} until {@code stop}: plain, streamed, failing upstream, unknown model, limited key. */
    private static List<Thread> traffic(GatewayProcess g, String key, String limitedKey, AtomicBoolean stop, Tally tally) {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int lane = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        HttpResponse<String> res = switch (lane == 2 ? 4 : i % 4) {
                            case 0 -> call(g, key, "gpt-4o", false);
                            case 1 -> call(g, key, "gpt-4o", true);
                            case 2 -> call(g, key, i % 8 == 2 ? "gpt-flaky" : "no-such-model", false);
                            default -> call(g, limitedKey, "gpt-4o", i % 2 == 0);
                        };
                        if (res.statusCode() / 100 == 2) {
                            tally.answered().add(res.headers().firstValue("x-request-id").orElseThrow());
                        } else if (res.statusCode() == 429) {
                            tally.limited().incrementAndGet();
                        }
                    } catch (IOException e) {
                        tally.broken().incrementAndGet(); // the gateway was killed under this call
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        return threads;
    }

    private static HttpResponse<String> call(GatewayProcess g, String key, String model, boolean stream)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitCount(Set<String> answered, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (answered.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(answered.size()).as("answered calls").isGreaterThanOrEqualTo(atLeast);
    }

    private static void join(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void threeInstancesUnderMixedLoadSurviveASigkillWithOneRecordPerCallAndSharedLimits() throws Exception {
        Path config = config();
        try (PostgresAuditStore store = PostgresAuditStore.open(
                PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null))) {
            Recorder admin = Recorder.start(store, RecorderConfig.defaults("test-admin", dir.resolve("admin")),
                    Clock.systemUTC());
            KeyService keys = new KeyService(store, admin::commitChange, IdSource.system(), new SecureRandom(),
                    Clock.systemUTC(), Duration.ZERO);
            String secret = keys.create(KeySettings.named("app"), "test").secret();
            CreatedKey limited = keys.create(KeySettings.named("limited").withRequestsPerMinute(LIMIT), "test");
            admin.close();

            long start = System.nanoTime();
            List<GatewayProcess> three = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                three.add(serve(config, dir.resolve("gw-" + i)));
            }
            Tally tally = new Tally();
            List<AtomicBoolean> stops = new ArrayList<>();
            List<List<Thread>> lanes = new ArrayList<>();
            for (GatewayProcess g : three) {
                AtomicBoolean stop = new AtomicBoolean();
                stops.add(stop);
                lanes.add(traffic(g, secret, limited.secret(), stop, tally));
            }
            awaitCount(tally.answered(), 90);
            three.getFirst().kill(); // SIGKILL under traffic
            stops.getFirst().set(true);
            join(lanes.getFirst());
            GatewayProcess restarted = serve(config, dir.resolve("gw-0")); // recovery of the same chain
            AtomicBoolean stopRestarted = new AtomicBoolean();
            List<Thread> onRestarted = traffic(restarted, secret, limited.secret(), stopRestarted, tally);
            awaitCount(tally.answered(), tally.answered().size() + 60);
            stopRestarted.set(true);
            stops.forEach(s -> s.set(true));
            join(onRestarted);
            lanes.forEach(l -> {
                try {
                    join(l);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (GatewayProcess g : gateways) {
                g.close(); // SIGTERM: drained, final checkpoints
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            List<CallRecord> records = allCalls(store);
            // Every answered call has exactly one record.
            assertThat(records.stream().map(CallRecord::id).toList()).doesNotHaveDuplicates()
                    .containsAll(tally.answered());
            assertThat(records).extracting(CallRecord::status).contains(CallStatus.SUCCESS, CallStatus.ERROR,
                    CallStatus.REFUSED);
            assertThat(records).filteredOn(r -> Boolean.TRUE.equals(r.stream()) && r.status() == CallStatus.SUCCESS)
                    .isNotEmpty();

            // Every chain verifies: the three instances (one of them killed and recovered) and the admin's.
            VerifyReport report = new Verifier(store).verify();
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.chains()).hasSizeGreaterThanOrEqualTo(4);

            // Usage equals the sum of the records.
            UsageStats usage = store.usage(UsageQuery.over(null, null, List.of())).summary();
            assertThat(usage.calls()).isEqualTo(records.size());
            assertThat(usage.success()).isEqualTo(records.stream().filter(r -> r.status() == CallStatus.SUCCESS).count());
            assertThat(usage.refused()).isEqualTo(records.stream().filter(r -> r.status() == CallStatus.REFUSED).count());
            assertThat(usage.inputTokens()).isEqualTo(records.stream().map(CallRecord::inputTokens)
                    .filter(Objects::nonNull).mapToLong(Long::longValue).sum());
            assertThat(usage.outputTokens()).isEqualTo(records.stream().map(CallRecord::outputTokens)
                    .filter(Objects::nonNull).mapToLong(Long::longValue).sum());
            assertThat(usage.costMicros()).isEqualTo(records.stream().map(CallRecord::costMicros)
                    .filter(Objects::nonNull).mapToLong(Long::longValue).sum());

            // The shared limit held: what the limiter let through for the limited key, over the fleet and
            // the restart (4 instances in all, each holding at most one slice), against the limit plus its refill.
            long admitted = records.stream().filter(r -> limited.key().id().equals(r.keyId()))
                    .filter(r -> r.status() != CallStatus.REFUSED).count();
            long refill = (long) Math.ceil(LIMIT * seconds / 60);
            long bound = LIMIT + refill + 4 * SharedRates.sliceOf(LIMIT);
            System.out.printf("fleet: %d records, %d answered, %d 429, %d cut by the kill; limited key admitted %d in "
                    + "%.1f s (limit %d + refill %d + 4 slices of %d = %d)%n", records.size(), tally.answered().size(),
                    tally.limited().get(), tally.broken().get(), admitted, seconds, LIMIT, refill,
                    SharedRates.sliceOf(LIMIT), bound);
            assertThat(tally.limited().get()).as("the limited key met its limit").isPositive();
            assertThat(admitted).isLessThanOrEqualTo(bound);
        }
    }

    private static List<CallRecord> allCalls(PostgresAuditStore store) {
        List<CallRecord> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<ChainedEntry> page = store.calls(new CallQuery(null, null, null, null, null, null, null, null, 1000,
                    cursor));
            page.data().forEach(e -> all.add((CallRecord) e.entry()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }
}
