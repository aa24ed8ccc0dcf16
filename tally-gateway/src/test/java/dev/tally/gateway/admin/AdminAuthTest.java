package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.id.IdSource;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.auth.BruteForcePolicy;
import dev.tally.gateway.auth.KeyAuthenticator;
import dev.tally.gateway.config.Secret;
import dev.tally.gateway.limits.KeyLimiter;
import dev.tally.gateway.limits.SpendReader;
import dev.tally.audit.recorder.Durability;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token: missing or wrong → 401 in JSON and an {@code admin_auth_failure} event without the token; repeated failures slowed. */
class AdminAuthTest {

    @TempDir
    Path dir;

    private static JsonNode failures(AdminFixture fx) throws Exception {
        return fx.adminJson("/v1/admin/events?type=admin_auth_failure").path("data");
    }

    @Test
    void a_missing_or_wrong_token_is_401_and_a_security_event_that_never_holds_the_token() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            HttpResponse<String> none = fx.send("GET", "/v1/admin/logs", null, null);
            HttpResponse<String> wrong = fx.send("GET", "/v1/admin/usage", null, "tadm-wrong-guess-77777777");
            HttpResponse<String> proxyKey = fx.send("GET", "/v1/admin/logs", null, fx.clientKey);
            HttpResponse<String> prefix = fx.send("GET", "/v1/admin/logs", null, AdminFixture.ADMIN_TOKEN + "x");

            assertThat(List.of(none, wrong, proxyKey, prefix)).allSatisfy(res -> {
                assertThat(res.statusCode()).isEqualTo(401);
                assertThat(res.headers().firstValue("www-authenticate")).contains("Bearer");
                assertThat(res.headers().firstValue("content-type")).contains("application/json");
            });
            JsonNode noneError = AdminFixture.JSON.readTree(none.body()).path("error");
            assertThat(noneError.path("code").asText()).isEqualTo("missing_admin_token");
            assertThat(noneError.path("type").asText()).isEqualTo("authentication_error");
            assertThat(AdminFixture.JSON.readTree(wrong.body()).path("error").path("code").asText())
                    .isEqualTo("invalid_admin_token");
            assertThat(wrong.body()).doesNotContain("tadm-wrong-guess-77777777");

            JsonNode events = failures(fx);
            assertThat(events).hasSize(4);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("admin_auth_failure");
                assertThat(e.path("http_status").asInt()).isEqualTo(401);
                assertThat(e.path("client_ip").asText()).isEqualTo("127.0.0.1");
            });
            assertThat(events.get(3).path("detail").asText()).contains("no admin token").contains("GET /v1/admin/logs");
            assertThat(events.get(2).path("detail").asText()).contains("invalid admin token").contains("/v1/admin/usage");
            String all = fx.adminJson("/v1/admin/events").toString() + fx.adminJson("/v1/admin/logs").toString();
            assertThat(all).doesNotContain("tadm-wrong-guess-77777777").doesNotContain(fx.clientKey)
                    .doesNotContain(AdminFixture.ADMIN_TOKEN);
        }
    }

    @Test
    void with_client_ip_logging_off_the_event_has_no_address() throws Exception {
        try (AdminFixture fx = AdminFixture.startWithAudit(dir, "  log_client_ip: false\n")) {
            fx.send("GET", "/v1/admin/verify", null, "nope");

            JsonNode events = failures(fx);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).has("client_ip")).isFalse();
        }
    }

    @Test
    void repeated_failures_from_one_address_are_slowed_like_proxy_auth_failures() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            List<Duration> delays = new ArrayList<>();
            WebServer server = adminServer(fx, new Secret(AdminFixture.ADMIN_TOKEN), delays);
            try {
                URI logs = URI.create("http://127.0.0.1:" + server.port() + "/v1/admin/logs");
                for (int i = 0; i < 8; i++) {
                    HttpResponse<String> res = fx.http.send(HttpRequest.newBuilder(logs)
                            .header("authorization", "Bearer wrong-" + i).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(res.statusCode()).isEqualTo(401);
                }
                HttpResponse<String> ok = fx.http.send(HttpRequest.newBuilder(logs)
                        .header("authorization", "Bearer " + AdminFixture.ADMIN_TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(delays).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000));
                assertThat(ok.statusCode()).as("the right token is never delayed").isEqualTo(200);
                assertThat(delays).hasSize(3);
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void without_a_configured_token_every_admin_request_is_refused() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            WebServer server = adminServer(fx, null, new ArrayList<>());
            try {
                for (String presented : new String[] {null, "", AdminFixture.ADMIN_TOKEN}) {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/v1/admin/verify"));
                    if (presented != null) {
                        b.header("authorization", "Bearer " + presented);
                    }
                    HttpResponse<String> res = fx.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(res.statusCode()).isEqualTo(401);
                    assertThat(res.body()).contains("no admin token is configured");
                }
            } finally {
                server.stop();
            }
        }
    }

    /** The admin routes alone on their own port, with {@code token} and a sleeper that records delays. */
    private static WebServer adminServer(AdminFixture fx, Secret token, List<Duration> delays) {
        var clock = fx.clock;
        AdminServices services = new AdminServices(fx.config.audit(), fx.store,
                new RecorderAuditSink(fx.recorder, Durability.ASYNC), fx.gateway.keys(),
                new KeyAuthenticator(fx.gateway.keys(), clock, BruteForcePolicy.DEFAULT, d -> { }),
                new KeyLimiter(SpendReader.fromStore(fx.store), clock, Duration.ofSeconds(5)),
                token, BruteForcePolicy.DEFAULT, delays::add, new IdSource(clock, new SecureRandom()), clock,
                new dev.tally.gateway.keys.BudgetWarnings(fx.config.models()), fx.config.models());
        return WebServer.builder().host("127.0.0.1").port(0).routing(r -> AdminRoutes.register(r, services)).build().start();
    }
}
