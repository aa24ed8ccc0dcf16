package dev.tally.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tally serve} in a child JVM, for tests that run several gateways, kill them and start
 * them again. Not thread-safe.
 */
final class GatewayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("tally listening on http://[^:]+:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final Process process;
    private final int port;
    private final StringBuffer output;

    private GatewayProcess(Process process, int port, StringBuffer output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** Starts {@code tally serve}; returns once it printed its port. */
    static GatewayProcess start(Path config, Path data, Map<String, String> env) throws IOException,
            InterruptedException {
        return start(config, data, env, java.util.List.of());
    }

    /** Starts {@code tally serve} with {@code flags} after its config and data options; returns once it printed its port. */
    static GatewayProcess start(Path config, Path data, Map<String, String> env, java.util.List<String> flags)
            throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                "dev.tally.cli.Main", "serve", "--config", config.toString(), "--data", data.toString()));
        command.addAll(flags);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("OPENAI_API_KEY");
        builder.environment().remove("ANTHROPIC_API_KEY");
        builder.environment().putAll(env);
        Process started = builder.start();
        StringBuffer output = new StringBuffer();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        pump(started.getInputStream(), output, lines);
        pump(started.getErrorStream(), output, lines);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return new GatewayProcess(started, Integer.parseInt(m.group(1)), output);
                }
            }
            if (!started.isAlive()) {
                break;
            }
        }
        started.destroyForcibly();
        throw new AssertionError("tally serve did not report its port; output:\n" + output);
    }

    /** A chat completion with {@code clientKey}; returns the response (status, body, headers). */
    HttpResponse<String> chat(String clientKey, String model) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + clientKey).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The port it listens on. */
    int port() {
        return port;
    }

    String output() {
        return output.toString();
    }

    /** SIGKILL: no drain, no final checkpoint. Returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM through the process handle, leaving the pipes open so its last lines are read;
     * returns once the process has exited and its output has been read to the end.
     */
    void terminate() throws InterruptedException {
        process.toHandle().destroy();
        process.waitFor(90, TimeUnit.SECONDS);
        for (int i = 0; i < 100 && !output.toString().contains("tally stopped in "); i++) {
            Thread.sleep(50); // the pumps read the last lines after the process ended
        }
    }

    /** SIGTERM: drains the audit log. Returns once the process has exited. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
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
