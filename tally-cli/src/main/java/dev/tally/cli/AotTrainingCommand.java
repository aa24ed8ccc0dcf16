package dev.tally.cli;

import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.GatewayRuntime;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tally aot-training} (hidden): the workload the launcher runs once per build under
 * {@code -XX:AOTCacheOutput} to make the JDK 25 ahead-of-time cache ({@code tally.aot} beside the
 * jar; JEP 483/514/515). What this run loads, links and profiles is what later runs find ready,
 * so it walks the paths an operator starts: {@code serve} in a temporary data directory (the
 * first start that creates the store, then a restart on it, each answering {@code /health}, an
 * admin call that creates a key, and a chat call that fails upstream so it is recorded), then
 * {@code logs}, {@code usage}, {@code events}, {@code verify}, {@code keys list} and
 * {@code --version} on that store, in-process, their output discarded. Leaves nothing behind.
 * Blocking; not thread-safe (one per run).
 */
@Command(name = "aot-training", hidden = true,
        description = "Run the start-up workload the launcher records into the AOT cache (internal).")
final class AotTrainingCommand implements Callable<Integer> {

    private static final Pattern SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tally-aot-training");
        try {
            Path data = dir.resolve("data");
            Path config = dir.resolve("tally.yaml");
            // A provider on a port nothing listens on: the chat call ends 502 without waiting, and is recorded.
            Files.writeString(config, """
                    server: {host: 127.0.0.1, port: 0}
                    providers:
                      - name: nowhere
                        kind: openai
                        base_url: http://127.0.0.1:9/v1
                        api_key: training-not-a-secret
                        retries: {max: 0}
                    models:
                      training-model: {provider: nowhere}
                    """, StandardCharsets.UTF_8);
            serveOnce(config, data, true);
            serveOnce(config, data, false);
            String store = data.toString();
            for (List<String> args : List.of(List.of("logs", "--data", store), List.of("usage", "--data", store),
                    List.of("events", "--data", store), List.of("verify", "--data", store),
                    List.of("keys", "list", "--data", store), List.of("--version"), List.of("logs", "--help"))) {
                CommandLine line = TallyCommand.commandLine(Map.of(), args.toArray(String[]::new));
                PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream());
                line.setOut(nowhere);
                line.setErr(nowhere);
                line.execute(args.toArray(String[]::new));
            }
            return TallyCommand.OK;
        } finally {
            deleteTree(dir);
        }
    }

    /** One start of the gateway as {@code serve} makes it, some calls, and its shutdown. */
    private static void serveOnce(Path config, Path data, boolean calls) throws IOException, InterruptedException {
        GatewayConfig settings = ConfigLoader.load(config, data, Map.of());
        GatewayRuntime runtime = GatewayRuntime.start(settings, data, Clock.systemUTC());
        try {
            String base = "http://127.0.0.1:" + runtime.port();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            send(http, HttpRequest.newBuilder(URI.create(base + "/health")).GET());
            if (calls) {
                String admin = "Bearer " + runtime.admin().token().reveal();
                String created = send(http, HttpRequest.newBuilder(URI.create(base + "/v1/admin/keys"))
                        .header("authorization", admin).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"training\"}")));
                Matcher secret = SECRET.matcher(created);
                if (secret.find()) {
                    send(http, HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                            .header("authorization", "Bearer " + secret.group(1)).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"training-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
                }
                send(http, HttpRequest.newBuilder(URI.create(base + "/v1/admin/logs")).header("authorization", admin).GET());
            }
        } finally {
            runtime.shutdown(Duration.ofSeconds(10));
        }
    }

    private static String send(HttpClient http, HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
