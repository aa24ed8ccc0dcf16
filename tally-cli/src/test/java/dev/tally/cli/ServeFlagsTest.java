package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally serve --port/--host}: the flags win over {@code server.port}/{@code server.host}
 * (shown by a real process listening where the flags say, not where the file says), and a bad
 * value is a one-line usage error before anything starts.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServeFlagsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path dir;

    @Test
    void portAndHostFlagsOverrideTheConfigFile() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Path config = dir.resolve("tally.yaml");
            // Neither the address (a documentation network, not this machine's) nor the port (taken) could be served.
            Files.writeString(config, "server: {host: 203.0.113.7, port: " + taken.getLocalPort() + "}\n");

            try (GatewayProcess gateway = GatewayProcess.start(config, dir.resolve("data"), Map.of(),
                    List.of("--port", Integer.toString(free), "--host", "127.0.0.1"))) {
                assertThat(gateway.port()).isEqualTo(free);
                assertThat(gateway.output()).contains("http://127.0.0.1:" + free);
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + free + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                HttpResponse<String> root = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + free + "/")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(root.statusCode()).isEqualTo(302);
                assertThat(root.headers().firstValue("location")).hasValue("/dashboard");
                assertThat(gateway.output()).contains("  dashboard  http://127.0.0.1:" + free + "/dashboard");
            }
        }
    }

    @Test
    void theOutputIsTheBannerAndOneLineLogsWithoutLibraryNoise() throws Exception {
        Path config = dir.resolve("tally.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: 0}\nlogging: {level: info}\n");
        String output;
        try (GatewayProcess gateway = GatewayProcess.start(config, dir.resolve("data"), Map.of())) {
            gateway.terminate();
            output = gateway.output();
        }

        assertThat(output).contains("tally listening on http://127.0.0.1:", "  data       ", "  store      sqlite:")
                .containsPattern("tally stopped in \\d+ ms: \\d+ audit entries stored")
                .doesNotContain("SLF4J").doesNotContain("INFO: ").doesNotContain("Helidon SE");
        for (String line : output.lines().toList()) {
            if (line.matches("^\\d{4}-.*")) {
                assertThat(line).as("a log line").matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (ERROR|WARN |INFO |DEBUG|TRACE) \\S+  .*");
            } else {
                assertThat(line).as("not a log line: the banner or the shutdown line")
                        .matches("(tally listening on|  [a-z]+ +|tally stopped in|admin token).*");
            }
        }
    }

    @Test
    void aPortOutOfRangeIsAUsageErrorNamingTheFlag() {
        CliRun run = CliRun.of("serve", "--port", "70000", "--data", dir.resolve("data").toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("--port: 70000 (expected: 0..65535)");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aBlankHostIsAUsageErrorNamingTheFlag() {
        CliRun run = CliRun.of("serve", "--host", " ", "--data", dir.resolve("data").toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("--host: ' ' (expected: a host name or an IP address");
    }

    @Test
    void aPortThatIsNotANumberIsAUsageError() {
        CliRun run = CliRun.of("serve", "--port", "http", "--data", dir.resolve("data").toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("--port").contains("http");
    }
}
