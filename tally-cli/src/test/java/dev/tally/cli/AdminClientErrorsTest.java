package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the commands talk to an admin API over a real socket, and what they make of its failures:
 * a hand-written server answers with fixed statuses and bodies and records what it was sent.
 * (The commands against a real gateway are in {@code AdminApiModeTest}.)
 */
class AdminClientErrorsTest {

    private static final String TOKEN = "tadm-client-test-token-5d6e7f";

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "{\"data\":[],\"next_cursor\":null}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            authorizations.add(exchange.getRequestHeaders().getFirst("authorization"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void filtersBecomeQueryParametersAndTheTokenABearerHeader() {
        CliRun run = CliRun.of("logs", "--url", url(), "--token", TOKEN, "--since", "2026-03-02", "--model", "gpt 4o",
                "--status", "error", "--tag", "tier=pro", "--tag", "job=7", "--limit", "5");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("no call records match\n");
        assertThat(requests).singleElement().asString().startsWith("GET /v1/admin/logs?");
        assertThat(java.net.URLDecoder.decode(requests.getFirst().substring(requests.getFirst().indexOf('?') + 1),
                StandardCharsets.UTF_8).split("&")).containsExactlyInAnyOrder("since=2026-03-02T00:00:00.000Z",
                "model=gpt 4o", "status=error", "tag=job:7", "tag=tier:pro", "limit=5");
        assertThat(authorizations).containsExactly("Bearer " + TOKEN);
    }

    @Test
    void theTokenComesFromTheEnvironmentOrAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");

        CliRun fromEnv = CliRun.withEnvironment(Map.of("TALLY_ADMIN_TOKEN", TOKEN), "events", "--url", url());
        CliRun fromFile = CliRun.of("usage", "--url", url(), "--token-file", file.toString(), "--by", "model");

        assertThat(fromEnv.exitCode()).as(fromEnv.err()).isZero();
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(authorizations).containsExactly("Bearer " + TOKEN, "Bearer " + TOKEN);
        assertThat(requests.get(1)).isEqualTo("GET /v1/admin/usage?group_by=model");
    }

    @Test
    void aRefusedTokenFailsWithoutShowingIt() {
        status = 401;
        body = "{\"error\":{\"message\":\"invalid admin token\",\"type\":\"invalid_request_error\",\"code\":\"unauthorized\"}}";

        CliRun run = CliRun.of("logs", "--url", url(), "--token", TOKEN);

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("token: the gateway at " + url() + " refused the admin token (401;");
        assertThat(run.out() + run.err()).doesNotContain(TOKEN);
    }

    @Test
    void aBadParameterAnswerIsAUsageErrorWithTheGatewaysMessage() {
        status = 400;
        body = "{\"error\":{\"message\":\"cursor: 'zzz' (expected: a cursor returned by a previous page)\","
                + "\"type\":\"invalid_request_error\",\"param\":\"cursor\",\"code\":\"invalid_parameter\"}}";

        CliRun run = CliRun.of("logs", "--url", url(), "--token", TOKEN, "--cursor", "zzz");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("tally logs: cursor: 'zzz' (expected: a cursor returned by a previous page)");
    }

    @Test
    void otherFailuresNameTheStatusAndMessage() {
        status = 503;
        body = "{\"error\":{\"message\":\"store unavailable\"}}";
        CliRun unavailable = CliRun.of("usage", "--url", url(), "--token", TOKEN);
        status = 200;
        body = "<html>not an api</html>";
        CliRun notJson = CliRun.of("events", "--url", url(), "--token", TOKEN);

        assertThat(unavailable.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(unavailable.err()).contains("url: " + url() + "/v1/admin/usage answered 503: store unavailable");
        assertThat(notJson.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(notJson.err()).contains("with a body that is not JSON");
    }

    @Test
    void anUnreachableGatewayIsAFailure() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        CliRun run = CliRun.of("logs", "--url", "http://127.0.0.1:" + port, "--token", TOKEN);

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("url: cannot connect to http://127.0.0.1:" + port);
    }

    @Test
    void urlAndTokenMistakesAreUsageErrors() {
        LogsCommandTest.assertUsage(CliRun.of("logs", "--url", url()), "--url needs the admin token (expected: --token <token>, "
                + "--token-file <file> or the TALLY_ADMIN_TOKEN environment variable)");
        LogsCommandTest.assertUsage(CliRun.of("logs", "--url", "ftp://host", "--token", TOKEN), "--url: 'ftp://host' (expected: "
                + "the gateway's address, http(s)://host:port");
        LogsCommandTest.assertUsage(CliRun.of("logs", "--url", url() + "/v1", "--token", TOKEN), "--url: '" + url() + "/v1'");
        LogsCommandTest.assertUsage(CliRun.of("logs", "--data", dir.toString(), "--token", TOKEN), "--token and --token-file go with --url");
        LogsCommandTest.assertUsage(CliRun.of("verify", "--url", url(), "--token", TOKEN, "--public-key", "k.pub"),
                "--public-key goes with --data");
        assertThat(requests).isEmpty();
    }
}
