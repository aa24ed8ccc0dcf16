package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code return_cost} through {@code /v1/admin/keys}: set at creation, changed by PATCH (each
 * change an admin event), shown in the key view but never among its tags, refused when not a
 * boolean, and followed by the proxy at once.
 */
class AdminReturnCostTest {

    private static final String TOKEN = AdminFixture.ADMIN_TOKEN;

    @TempDir
    Path dir;

    @Test
    void return_cost_is_set_changed_and_followed_by_the_proxy() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            HttpResponse<String> res = fx.send("POST", "/v1/admin/keys",
                    "{\"name\":\"quiet\",\"return_cost\":false,\"tags\":{\"team\":\"ml\"}}", TOKEN);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
            JsonNode created = AdminFixture.JSON.readTree(res.body());
            String secret = created.path("secret").asText();
            assertThat(created.path("return_cost").asBoolean()).isFalse();
            assertThat(created.path("tags").toString()).isEqualTo("{\"team\":\"ml\"}");
            assertThat(fx.adminJson("/v1/admin/keys/team-a").path("return_cost").asBoolean()).isTrue();

            HttpResponse<String> quiet = fx.chat(secret, "gpt-4o", null, 1000, 1620);
            assertThat(quiet.statusCode()).isEqualTo(200);
            assertThat(quiet.headers().firstValue("x-tally-cost-usd")).isEmpty();
            assertThat(quiet.headers().firstValue("x-tally-record-id")).isEmpty();

            HttpResponse<String> on = fx.send("PATCH", "/v1/admin/keys/quiet", "{\"return_cost\":true}", TOKEN);
            assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
            assertThat(AdminFixture.JSON.readTree(on.body()).path("return_cost").asBoolean()).isTrue();
            HttpResponse<String> told = fx.chat(secret, "gpt-4o", null, 1000, 1620);
            assertThat(told.headers().firstValue("x-tally-cost-usd")).isPresent();
            assertThat(told.headers().firstValue("x-tally-record-id")).isEqualTo(told.headers().firstValue("x-request-id"));

            JsonNode event = fx.adminJson("/v1/admin/events").path("data").get(0);
            assertThat(event.path("type").asText()).isEqualTo("key_updated");
            assertThat(event.path("before").path("return_cost").asText()).isEqualTo("false");
            assertThat(event.path("after").path("return_cost").asText()).isEqualTo("true");
            assertThat(event.path("after").size()).isEqualTo(1);
        }
    }

    @Test
    void a_return_cost_that_is_not_a_boolean_is_refused_naming_it() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            HttpResponse<String> res = fx.send("PATCH", "/v1/admin/keys/team-a", "{\"return_cost\":\"no\"}", TOKEN);

            assertThat(res.statusCode()).isEqualTo(400);
            JsonNode error = AdminFixture.JSON.readTree(res.body()).path("error");
            assertThat(error.path("param").asText()).isEqualTo("return_cost");
            assertThat(error.path("message").asText()).contains("return_cost", "'no'", "true or false");
        }
    }
}
