package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally serve} as a real process: it starts, prints where it listens, proxies a call,
 * drains the audit log on SIGTERM, and no secret (client key, provider key, admin token) ever
 * reaches a file under the data directory or the process's output.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // its polling loops fail instead of hanging
class ServeProcessTest {

    private static final String PROVIDER_KEY = "sk-process-test-provider-secret-9f8e7d";
    private static final String ADMIN_TOKEN = "tadm-process-test-admin-token-1a2b3c";
    private static final Pattern LISTENING = Pattern.compile("tally listening on http://[^:]+:(\\d+)");

    @TempDir
    Path dir;

    private HttpServer provider;
    private final List<String> providerAuth = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger slowEvents = new java.util.concurrent.atomic.AtomicInteger();
    private Process process;

    @BeforeEach
    void fakeProvider() throws IOException {
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        provider.createContext("/v1/chat/completions", exchange -> {
            providerAuth.add(exchange.getRequestHeaders().getFirst("authorization"));
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.createContext("/slow/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (var out = exchange.getResponseBody()) {
                for (int i = 0; i < 600; i++) {
                    out.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    slowEvents.incrementAndGet();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException gone) {
                // the gateway was killed
            }
        });
        provider.start();
    }

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        provider.stop(0);
    }

    @Test
    void serve_proxies_drains_on_sigterm_and_never_writes_a_secret() throws Exception {
        Path data = dir.resolve("data");
        CliRun created = CliRun.of("keys", "create", "--name", "app", "--data", data.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        Matcher secret = Pattern.compile("secret: (tk-\\S+)").matcher(created.out());
        assertThat(secret.find()).isTrue();
        String clientKey = secret.group(1);
        Path config = dir.resolve("tally.yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0}
                providers:
                  - {name: openai, kind: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${TEST_PROVIDER_KEY}"}
                models:
                  gpt-4o: {provider: openai, price: {input: "2.50", output: "10.00"}}
                """.formatted(provider.getAddress().getPort()));

        StringBuffer output = new StringBuffer();
        process = serve(config, data, output);
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer " + clientKey).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(providerAuth).containsExactly("Bearer " + PROVIDER_KEY);

        process.toHandle().destroy(); // SIGTERM (Process.destroy() would also close the pipes we read its last lines from)
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        assertThat(process.exitValue()).as("every entry durable: exit 0").isZero();
        awaitOutput(output, "tally stopped in ");
        assertThat(output.toString()).containsPattern("tally stopped in \\d+ ms: \\d+ audit entries stored, 0 kept in the spill"
                + " journal, 0 could not be made durable");

        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"))) {
            List<CallRecord> calls = store.calls(CallQuery.all(10)).data().stream().map(e -> (CallRecord) e.entry()).toList();
            assertThat(calls).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(CallStatus.SUCCESS);
                assertThat(r.inputTokens()).isEqualTo(8);
                assertThat(r.costMicros()).isEqualTo(40);
                assertThat(r.keyName()).isEqualTo("app");
            });
        }
        for (String leaked : List.of(clientKey, PROVIDER_KEY, ADMIN_TOKEN)) {
            assertThat(output.toString()).as("process output").doesNotContain(leaked);
            try (Stream<Path> files = Files.walk(data)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    assertThat(content).as(file.toString()).doesNotContain(leaked);
                }
            }
        }
        assertThat(output.toString()).contains("tally listening on").doesNotContain("admin token");
    }

    @Test
    void sigterm_with_a_stream_in_flight_exits_within_server_shutdown_timeout_and_says_so() throws Exception {
        Path data = dir.resolve("data");
        CliRun created = CliRun.of("keys", "create", "--name", "app", "--data", data.toString());
        Matcher secret = Pattern.compile("secret: (tk-\\S+)").matcher(created.out());
        assertThat(secret.find()).isTrue();
        Path config = dir.resolve("tally.yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0, shutdown_timeout: 2s}
                providers:
                  - {name: slow, kind: openai, base_url: "http://127.0.0.1:%d/slow/v1", api_key: "${TEST_PROVIDER_KEY}"}
                models:
                  ticker: {provider: slow}
                """.formatted(provider.getAddress().getPort()));
        StringBuffer output = new StringBuffer();
        process = serve(config, data, output);
        var pending = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer " + secret.group(1)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"ticker\",\"stream\":true,\"messages\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        while (slowEvents.get() < 5) {
            Thread.sleep(50); // the stream (60 s long) is under way
        }

        process.toHandle().destroy(); // SIGTERM, the pipes left open

        // 2 s of shutdown plus the JVM's own start of the hook and exit: far below the stream's 60 s
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("exited within the shutdown timeout").isTrue();
        assertThat(process.exitValue()).isZero();
        awaitOutput(output, "tally stopped in ");
        assertThat(output.toString()).contains("0 could not be made durable")
                .contains("calls still in flight at the deadline were cut off");
        pending.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
    }

    private static void awaitOutput(StringBuffer output, String text) throws InterruptedException {
        for (int i = 0; i < 200 && !output.toString().contains(text); i++) {
            Thread.sleep(50); // the pumps read the last lines after the process ended
        }
    }

    @Test
    void a_gateway_killed_mid_stream_marks_the_open_call_interrupted_on_restart() throws Exception {
        Path data = dir.resolve("data");
        CliRun created = CliRun.of("keys", "create", "--name", "app", "--data", data.toString());
        Matcher secret = Pattern.compile("secret: (tk-\\S+)").matcher(created.out());
        assertThat(secret.find()).isTrue();
        Path config = dir.resolve("tally.yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0}
                providers:
                  - {name: slow, kind: openai, base_url: "http://127.0.0.1:%d/slow/v1", api_key: "${TEST_PROVIDER_KEY}"}
                models:
                  ticker: {provider: slow}
                """.formatted(provider.getAddress().getPort()));
        StringBuffer output = new StringBuffer();
        process = serve(config, data, output);

        HttpClient http = HttpClient.newHttpClient();
        var pending = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer " + secret.group(1)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"ticker\",\"stream\":true,\"messages\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        while (slowEvents.get() < 10) {
            Thread.sleep(50); // the stream is well under way, its opening marker long committed
        }
        process.destroyForcibly(); // SIGKILL: no drain, no closing record
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        pending.handle((r, e) -> null).get(30, TimeUnit.SECONDS);

        process = serve(config, data, output); // recovery runs at start
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"))) {
            List<CallRecord> calls = store.calls(CallQuery.all(10)).data().stream().map(e -> (CallRecord) e.entry()).toList();
            assertThat(calls).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(CallStatus.INTERRUPTED);
                assertThat(r.model()).isEqualTo("ticker");
                assertThat(r.keyName()).isEqualTo("app");
                assertThat(r.stream()).isTrue();
            });
            assertThat(store.openings(store.chains().stream().filter(c -> c.startsWith("gw-")).findFirst().orElseThrow())).isEmpty();
        }
    }

    private int port;

    /** Starts {@code tally serve} as a process; returns once it printed its port (kept in {@link #port}). */
    private Process serve(Path config, Path data, StringBuffer output) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.tally.cli.Main", "serve", "--config", config.toString(), "--data", data.toString());
        builder.environment().remove("OPENAI_API_KEY");
        builder.environment().remove("ANTHROPIC_API_KEY");
        builder.environment().put("TEST_PROVIDER_KEY", PROVIDER_KEY);
        builder.environment().put("TALLY_ADMIN_TOKEN", ADMIN_TOKEN);
        Process started = builder.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        pump(started.getInputStream(), output, lines);
        pump(started.getErrorStream(), output, lines);
        port = awaitPort(lines);
        return started;
    }

    private static int awaitPort(BlockingQueue<String> lines) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        throw new AssertionError("tally serve did not report its port");
    }

    private static void pump(InputStream in, StringBuffer all, BlockingQueue<String> lines) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    all.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }
}
