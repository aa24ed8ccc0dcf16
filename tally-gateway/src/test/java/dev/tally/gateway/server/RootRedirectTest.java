package dev.tally.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.gateway.dashboard.DashboardHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /} over a real socket, routed as {@link GatewayServer} routes it: a redirect to the dashboard. */
class RootRedirectTest {

    private static WebServer server;
    private static final HttpClient NO_FOLLOW = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final HttpClient FOLLOW = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    @BeforeAll
    static void start() {
        HttpRouting.Builder routing = HttpRouting.builder();
        DashboardHandler.register(routing);
        RootRedirect.register(routing);
        routing.any(UnknownRoute::handle);
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false).routing(routing).build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void theRootRedirectsToTheDashboard() throws Exception {
        HttpResponse<String> root = NO_FOLLOW.send(HttpRequest.newBuilder(uri("/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("location")).hasValue("/dashboard");
        assertThat(root.body()).isEmpty();
    }

    @Test
    void aBrowserFollowingItLandsOnThePage() throws Exception {
        HttpResponse<String> page = FOLLOW.send(HttpRequest.newBuilder(uri("/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().getPath()).isEqualTo("/dashboard");
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    }

    @Test
    void otherUnknownPathsAreStillNotFound() throws Exception {
        HttpResponse<String> other = NO_FOLLOW.send(HttpRequest.newBuilder(uri("/index.html")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.headers().firstValue("location")).isEmpty();
    }
}
