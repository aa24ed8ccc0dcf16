package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.keys.KeySettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code tally serve} processes on one PostgreSQL database, as behind a load balancer:
 * traffic through both, one killed with SIGKILL and restarted, a key revoked in the shared store.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostgresMultiInstanceTest {

    private static final String PROVIDER_KEY = "sk-multi-instance-provider-secret-77aa";

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
    void stop() throws InterruptedException {
        for (GatewayProcess g : gateways) {
            g.close();
        }
        provider.stop(0);
        server.dropDatabase(database);
    }

    private Path config(String durability) throws IOException {
        Path config = dir.resolve("tally-" + durability + ".yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0}
                store: {url: "%s", user: postgres}
                audit: {durability: %s}
                providers:
                  - {name: openai, kind: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${TEST_PROVIDER_KEY}"}
                models:
                  gpt-4o: {provider: openai, price: {input: "2.50", output: "10.00"}}
                """.formatted(server.storeUrl(database), durability, provider.getAddress().getPort()));
        return config;
    }

    private GatewayProcess serve(Path config, Path data) throws IOException, InterruptedException {
        GatewayProcess g = GatewayProcess.start(config, data, Map.of("TEST_PROVIDER_KEY", PROVIDER_KEY,
                "TALLY_ADMIN_TOKEN", "tadm-multi-instance-admin-token-0001"));
        gateways.add(g);
        return g;
    }

    /** Sends calls through {@code g} on two threads until {@code stop}; collects the ids of answered calls. */
    private static List<Thread> traffic(GatewayProcess g, String key, AtomicBoolean stop, Set<String> answered,
            AtomicInteger failed) {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        HttpResponse<String> res = g.chat(key, "gpt-4o");
                        if (res.statusCode() == 200) {
                            answered.add(res.headers().firstValue("x-request-id").orElseThrow());
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet(); // the gateway was killed under this call
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        return threads;
    }

    private static void awaitCount(Set<String> answered, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (answered.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(answered.size()).as("answered calls").isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void twoInstancesShareOneTrailSurviveAKillAndShareKeys() throws Exception {
        Path config = config("sync");
        try (PostgresAuditStore store = PostgresAuditStore.open(
                PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null))) {
            Recorder admin = Recorder.start(store, RecorderConfig.defaults("test-admin", dir.resolve("admin")),
                    Clock.systemUTC());
            KeyService keys = new KeyService(store, admin::commitChange, IdSource.system(), new SecureRandom(),
                    Clock.systemUTC(), Duration.ZERO);
            String secret = keys.create(KeySettings.named("app"), "test").secret();

            GatewayProcess a = serve(config, dir.resolve("a"));
            GatewayProcess b = serve(config, dir.resolve("b"));
            String chainA = Files.readString(dir.resolve("a/gateway/instance-id")).strip();
            String chainB = Files.readString(dir.resolve("b/gateway/instance-id")).strip();
            assertThat(chainA).isNotEqualTo(chainB);

            Set<String> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            AtomicBoolean stopA = new AtomicBoolean();
            AtomicBoolean stopB = new AtomicBoolean();
            List<Thread> onA = traffic(a, secret, stopA, answered, failed);
            List<Thread> onB = traffic(b, secret, stopB, answered, failed);
            awaitCount(answered, 60);
            a.kill(); // SIGKILL under traffic
            stopA.set(true);
            for (Thread t : onA) {
                t.join();
            }
            GatewayProcess a2 = serve(config, dir.resolve("a")); // recovery, same chain
            stopA.set(false);
            onA = traffic(a2, secret, stopA, answered, failed);
            awaitCount(answered, answered.size() + 40);
            stopA.set(true);
            stopB.set(true);
            for (Thread t : onA) {
                t.join();
            }
            for (Thread t : onB) {
                t.join();
            }
            assertThat(Files.readString(dir.resolve("a/gateway/instance-id")).strip()).isEqualTo(chainA);

            // One record per call: every answered call exactly once, and at most the killed calls besides:
            // open at the kill (interrupted on recovery), or committed just before it while the answer
            // never reached the client (success: in sync mode the answer is written after the commit).
            List<CallRecord> records = allCalls(store);
            List<String> ids = records.stream().map(CallRecord::id).toList();
            assertThat(ids).doesNotHaveDuplicates().containsAll(answered);
            List<CallRecord> extra = records.stream().filter(r -> !answered.contains(r.id())).toList();
            assertThat(extra).hasSizeLessThanOrEqualTo(failed.get())
                    .allSatisfy(r -> assertThat(r.status()).isIn(CallStatus.INTERRUPTED, CallStatus.SUCCESS));
            assertThat(records).filteredOn(r -> answered.contains(r.id()))
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(CallStatus.SUCCESS));

            // Usage over both instances equals the traffic.
            UsageStats usage = store.usage(UsageQuery.over(null, null, List.of())).summary();
            assertThat(usage.calls()).isEqualTo(records.size());
            long succeeded = records.stream().filter(r -> r.status() == CallStatus.SUCCESS).count();
            assertThat(usage.success()).isEqualTo(succeeded);
            assertThat(usage.inputTokens()).isEqualTo(8L * succeeded);
            assertThat(usage.costMicros()).isEqualTo(40L * succeeded);

            // A key revoked in the shared store is refused by both instances within the key cache's ttl.
            keys.revoke("app", "test");
            for (GatewayProcess g : List.of(a2, b)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                int status = 200;
                while (status != 401 && System.nanoTime() < deadline) {
                    status = g.chat(secret, "gpt-4o").statusCode();
                }
                assertThat(status).as("revoked key refused").isEqualTo(401);
                assertThat(g.chat(secret, "gpt-4o").statusCode()).isEqualTo(401);
            }
            admin.close();
            for (GatewayProcess g : gateways) {
                g.close(); // SIGTERM: final checkpoints
            }

            VerifyReport report = new Verifier(store).verify();
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.chains()).extracting(r -> r.chain()).contains(chainA, chainB, "test-admin");
        }
    }

    @Test
    void aStoreOutageSpillsAndReplaysAsyncCallsAndFailsSyncCallsClosedUntilItIsBack() throws Exception {
        // Its own server: this test stops it.
        try (EmbeddedPostgresServer own = EmbeddedPostgresServer.startNew()) {
            String db = own.newDatabase();
            String secret;
            try (PostgresAuditStore store = PostgresAuditStore.open(
                    PostgresOptions.fromStoreUrl(own.storeUrl(db), own.user(), null))) {
                Recorder admin = Recorder.start(store, RecorderConfig.defaults("test-admin", dir.resolve("admin")),
                        Clock.systemUTC());
                secret = new KeyService(store, admin::commitChange, IdSource.system(), new SecureRandom(),
                        Clock.systemUTC(), Duration.ZERO).create(KeySettings.named("app"), "test").secret();
                admin.close();
            }
            GatewayProcess async = serve(configFor(own, db, "async"), dir.resolve("async"));
            GatewayProcess sync = serve(configFor(own, db, "sync"), dir.resolve("sync"));
            Set<String> answered = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                answered.add(ok(async.chat(secret, "gpt-4o")));
                answered.add(ok(sync.chat(secret, "gpt-4o")));
            }

            own.stop();
            // Keys were cached before the outage only for 1 s: both instances answer from what they can reach.
            int syncRefused = 0;
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> res = async.chat(secret, "gpt-4o");
                if (res.statusCode() == 200) {
                    answered.add(res.headers().firstValue("x-request-id").orElseThrow());
                }
                HttpResponse<String> s = sync.chat(secret, "gpt-4o");
                assertThat(s.statusCode()).as("sync with the store down: %s", s.body()).isNotEqualTo(200);
                if (s.statusCode() == 503) {
                    assertThat(s.body()).contains("audit_unavailable");
                    syncRefused++;
                }
            }
            assertThat(syncRefused).as("sync calls failed closed with 503").isPositive();

            own.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            int status = 503;
            while (status != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                HttpResponse<String> res = sync.chat(secret, "gpt-4o");
                status = res.statusCode();
                if (status == 200) {
                    answered.add(res.headers().firstValue("x-request-id").orElseThrow());
                }
            }
            assertThat(status).as("sync recovers by itself").isEqualTo(200);
            answered.add(ok(async.chat(secret, "gpt-4o")));

            try (PostgresAuditStore store = PostgresAuditStore.open(
                    PostgresOptions.fromStoreUrl(own.storeUrl(db), own.user(), null))) {
                // The spilled records are replayed once the store is back, while the gateways run.
                long replayDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (!new HashSet<>(allCalls(store).stream().map(CallRecord::id).toList()).containsAll(answered)
                        && System.nanoTime() < replayDeadline) {
                    Thread.sleep(200);
                }
                for (GatewayProcess g : gateways) {
                    g.close();
                }
                gateways.clear();
                List<String> ids = allCalls(store).stream().map(CallRecord::id).toList();
                assertThat(ids).as("zero lost, none twice").doesNotHaveDuplicates().containsAll(answered);
                VerifyReport report = new Verifier(store).verify();
                assertThat(report.ok()).as(report.toString()).isTrue();
            }
        }
    }

    private Path configFor(EmbeddedPostgresServer own, String db, String durability) throws IOException {
        Path config = dir.resolve("outage-" + durability + ".yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0}
                store: {url: "%s", user: postgres}
                audit: {durability: %s}
                providers:
                  - {name: openai, kind: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${TEST_PROVIDER_KEY}"}
                models:
                  gpt-4o: {provider: openai, price: {input: "2.50", output: "10.00"}}
                """.formatted(own.storeUrl(db), durability, provider.getAddress().getPort()));
        return config;
    }

    private static String ok(HttpResponse<String> res) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res.headers().firstValue("x-request-id").orElseThrow();
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
