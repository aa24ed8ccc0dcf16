package dev.tally.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.query.EventQuery;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may read {@code /metrics}: anyone by default, the admin token holder when so configured, nobody when off. */
class MetricsAccessTest {

    @TempDir
    Path dir;

    @Test
    void by_default_a_scraper_without_credentials_reads_the_metrics() throws Exception {
        try (MetricsFixture gw = MetricsFixture.start(dir, "")) {
            HttpResponse<String> res = gw.get("/metrics");

            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("cache-control")).contains("no-store");
            assertThat(new Scraped(res.body()).value("tally_audit_lost_total")).isZero();
        }
    }

    @Test
    void with_require_admin_token_only_the_admin_token_reads_and_failures_are_security_events() throws Exception {
        try (MetricsFixture gw = MetricsFixture.start(dir, "metrics:\n  require_admin_token: true\n")) {
            HttpResponse<String> none = gw.get("/metrics");
            HttpResponse<String> wrong = gw.get("/metrics", "authorization", "Bearer tadm-wrong-token-000000000");
            HttpResponse<String> right = gw.get("/metrics", "authorization", "Bearer " + MetricsFixture.ADMIN_TOKEN);

            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).contains("missing_admin_token").doesNotContain("tally_");
            assertThat(none.headers().firstValue("www-authenticate")).contains("Bearer");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("invalid_admin_token").doesNotContain("tadm-wrong-token");
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(new Scraped(right.body()).value("tally_security_events_total", "type", "admin_auth_failure")).isEqualTo(2);
            gw.recorder.flush();
            var events = gw.store.events(new EventQuery("admin_auth_failure", null, null, 100, null)).data();
            assertThat(events).hasSize(2);
            assertThat(events).allSatisfy(e -> {
                SecurityEvent event = (SecurityEvent) e.entry();
                assertThat(event.type()).isEqualTo(SecurityEventType.ADMIN_AUTH_FAILURE);
                assertThat(event.httpStatus()).isEqualTo(401);
                assertThat(event.detail()).endsWith("(GET /metrics)").doesNotContain("tadm-", MetricsFixture.ADMIN_TOKEN);
            });
        }
    }

    @Test
    void switched_off_the_route_does_not_exist() throws Exception {
        try (MetricsFixture gw = MetricsFixture.start(dir, "metrics:\n  enabled: false\n")) {
            assertThat(gw.get("/metrics").statusCode()).isEqualTo(404);
        }
    }
}
