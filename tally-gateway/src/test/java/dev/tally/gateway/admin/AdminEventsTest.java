package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/admin/events}: security and admin events, filtered by type and time, paged. */
class AdminEventsTest {

    @TempDir
    Path dir;

    private AdminFixture fx;

    @BeforeEach
    void seed() throws Exception {
        fx = AdminFixture.start(dir);
        new Seeded(fx);
        fx.at("2026-11-23T07:00:00Z");
        fx.chatRequest("tk-not-a-real-key-000000000000000000000", "gpt-4o", null);
        fx.recorder.flush();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private List<String> types(String query) throws Exception {
        List<String> out = new ArrayList<>();
        fx.adminJson("/v1/admin/events" + query).path("data").forEach(e -> out.add(e.path("type").asText()));
        return out;
    }

    @Test
    void security_and_admin_events_come_newest_first_in_their_canonical_json() throws Exception {
        JsonNode page = fx.adminJson("/v1/admin/events");

        assertThat(types("")).containsExactly("auth_failure", "unknown_model", "key_created", "key_created");
        assertThat(page.path("next_cursor").isNull()).isTrue();
        JsonNode failure = page.path("data").get(0);
        assertThat(failure.path("kind").asText()).isEqualTo("security");
        assertThat(failure.path("timestamp").asText()).isEqualTo("2026-11-23T07:00:00.000Z");
        assertThat(failure.path("http_status").asInt()).isEqualTo(401);
        assertThat(failure.toString()).doesNotContain("tk-not-a-real-key-000000000000000000000");
        JsonNode created = page.path("data").get(3);
        assertThat(created.path("kind").asText()).isEqualTo("admin");
        assertThat(created.path("after").path("name").asText()).isEqualTo("team-a");
    }

    @Test
    void type_since_and_until_filter() throws Exception {
        assertThat(types("?type=key_created")).containsExactly("key_created", "key_created");
        assertThat(types("?type=unknown_model")).containsExactly("unknown_model");
        assertThat(types("?type=budget_exceeded")).isEmpty();
        assertThat(types("?since=2026-11-22")).containsExactly("auth_failure", "unknown_model");
        assertThat(types("?since=2026-11-22&until=2026-11-23")).containsExactly("unknown_model");
    }

    @Test
    void pages_follow_the_cursor() throws Exception {
        JsonNode first = fx.adminJson("/v1/admin/events?limit=3");
        assertThat(first.path("data")).hasSize(3);
        String cursor = first.path("next_cursor").asText();

        JsonNode second = fx.adminJson("/v1/admin/events?limit=3&cursor=" + cursor);

        assertThat(second.path("data")).hasSize(1);
        assertThat(second.path("data").get(0).path("type").asText()).isEqualTo("key_created");
        assertThat(second.path("next_cursor").isNull()).isTrue();
    }
}
