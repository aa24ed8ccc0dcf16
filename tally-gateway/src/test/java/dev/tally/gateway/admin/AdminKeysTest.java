package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.testing.FaultyStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key lifecycle through {@code /v1/admin/keys}: every change takes effect on the proxy and leaves its admin event. */
class AdminKeysTest {

    private static final String TOKEN = AdminFixture.ADMIN_TOKEN;

    @TempDir
    Path dir;

    private static JsonNode json(HttpResponse<String> res) throws Exception {
        return AdminFixture.JSON.readTree(res.body());
    }

    private static JsonNode adminEvents(AdminFixture fx) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        fx.adminJson("/v1/admin/events").path("data").forEach(e -> {
            if (e.path("kind").asText().equals("admin")) {
                out.add(e);
            }
        });
        return AdminFixture.JSON.valueToTree(out);
    }

    @Test
    void create_shows_the_secret_once_and_the_key_works_on_the_proxy() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            HttpResponse<String> res = fx.send("POST", "/v1/admin/keys",
                    "{\"name\":\"ci-bot\",\"requests_per_minute\":60,\"allowed_models\":[\"gpt-4o\"],\"tags\":{\"team\":\"ml\"}}",
                    TOKEN);

            assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
            JsonNode created = json(res);
            String secret = created.path("secret").asText();
            String id = created.path("id").asText();
            assertThat(secret).startsWith("tk-").startsWith(created.path("prefix").asText());
            assertThat(res.headers().firstValue("location")).contains("/v1/admin/keys/" + id);
            assertThat(created.path("name").asText()).isEqualTo("ci-bot");
            assertThat(created.path("status").asText()).isEqualTo("active");
            assertThat(created.path("requests_per_minute").asLong()).isEqualTo(60);
            assertThat(created.path("allowed_models").get(0).asText()).isEqualTo("gpt-4o");
            assertThat(created.path("tags").path("team").asText()).isEqualTo("ml");
            assertThat(created.path("budget_micros").isNull()).isTrue();
            assertThat(created.has("secret_hash")).isFalse();

            assertThat(fx.chat(secret, "gpt-4o", null, 1, 1).statusCode()).isEqualTo(200);
            assertThat(fx.chatRequest(secret, "free-model", null).statusCode()).as("outside allowed_models").isEqualTo(403);

            JsonNode shown = fx.adminJson("/v1/admin/keys/" + id);
            JsonNode byName = fx.adminJson("/v1/admin/keys/ci-bot");
            JsonNode list = fx.adminJson("/v1/admin/keys");
            assertThat(byName).isEqualTo(shown);
            assertThat(shown.path("id").asText()).isEqualTo(id);
            assertThat(list.path("data")).extracting(k -> k.path("name").asText()).containsExactly("team-a", "ci-bot");
            JsonNode event = adminEvents(fx).get(0);
            assertThat(event.path("type").asText()).isEqualTo("key_created");
            assertThat(event.path("actor").asText()).isEqualTo("admin-api");
            assertThat(event.path("target").asText()).isEqualTo(id);
            assertThat(event.path("after").path("requests_per_minute").asText()).isEqualTo("60");
            String everything = shown.toString() + list + fx.adminJson("/v1/admin/events") + fx.adminJson("/v1/admin/logs");
            assertThat(everything).doesNotContain(secret);
        }
    }

    @Test
    void patch_changes_limits_enabled_expiry_models_payload_policy_and_tags_each_with_its_event() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            JsonNode created = json(fx.send("POST", "/v1/admin/keys", "{\"name\":\"svc\"}", TOKEN));
            String secret = created.path("secret").asText();
            String id = created.path("id").asText();

            HttpResponse<String> off = fx.send("PATCH", "/v1/admin/keys/svc", "{\"enabled\":false}", TOKEN);
            assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
            assertThat(json(off).path("status").asText()).isEqualTo("disabled");
            HttpResponse<String> refused = fx.chatRequest(secret, "gpt-4o", null);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("key_disabled");

            JsonNode changed = json(fx.send("PATCH", "/v1/admin/keys/" + id, """
                    {"enabled":true,"budget_micros":5000000,"budget_period":"month","expires_at":"2030-01-01",
                     "payload_policy":"hash","allowed_models":["gpt-4o","gpt-4o-mini"],"tokens_per_minute":100000,
                     "tags":{"team":"infra"},"name":"svc-2"}""", TOKEN));
            assertThat(changed.path("name").asText()).isEqualTo("svc-2");
            assertThat(changed.path("status").asText()).isEqualTo("active");
            assertThat(changed.path("budget_micros").asLong()).isEqualTo(5_000_000);
            assertThat(changed.path("budget_period").asText()).isEqualTo("month");
            assertThat(changed.path("expires_at").asText()).isEqualTo("2030-01-01T00:00:00.000Z");
            assertThat(changed.path("payload_policy").asText()).isEqualTo("hash");
            assertThat(changed.path("tokens_per_minute").asLong()).isEqualTo(100_000);
            assertThat(changed.path("allowed_models")).hasSize(2);
            assertThat(changed.path("tags").path("team").asText()).isEqualTo("infra");
            assertThat(fx.chat(secret, "gpt-4o", null, 1, 1).statusCode()).isEqualTo(200);

            JsonNode cleared = json(fx.send("PATCH", "/v1/admin/keys/svc-2",
                    "{\"budget_micros\":null,\"expires_at\":null,\"allowed_models\":null,\"tags\":{}}", TOKEN));
            assertThat(cleared.path("budget_micros").isNull()).isTrue();
            assertThat(cleared.path("budget_period").isNull()).isTrue();
            assertThat(cleared.path("expires_at").isNull()).isTrue();
            assertThat(cleared.path("allowed_models")).isEmpty();
            assertThat(cleared.path("tags")).isEmpty();

            JsonNode events = adminEvents(fx);
            assertThat(events).extracting(e -> e.path("type").asText())
                    .containsExactly("key_updated", "key_updated", "key_updated", "key_created", "key_created");
            JsonNode disabled = events.get(2);
            assertThat(disabled.path("before").path("enabled").asText()).isEqualTo("true");
            assertThat(disabled.path("after").path("enabled").asText()).isEqualTo("false");
            assertThat(disabled.path("after").size()).isEqualTo(1);
            assertThat(events.get(1).path("after").path("budget_micros").asText()).isEqualTo("5000000");
            assertThat(events.get(0).path("after").path("budget_micros").asText()).isEqualTo("none");
        }
    }

    @Test
    void delete_revokes_for_good() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            JsonNode created = json(fx.send("POST", "/v1/admin/keys", "{\"name\":\"temp\"}", TOKEN));
            String secret = created.path("secret").asText();

            HttpResponse<String> revoked = fx.send("DELETE", "/v1/admin/keys/temp", null, TOKEN);

            assertThat(revoked.statusCode()).isEqualTo(200);
            assertThat(json(revoked).path("status").asText()).isEqualTo("revoked");
            assertThat(json(revoked).path("revoked_at").asText()).isEqualTo("2026-11-20T10:00:00.000Z");
            assertThat(fx.chatRequest(secret, "gpt-4o", null).body()).contains("key_revoked");
            assertThat(adminEvents(fx).get(0).path("type").asText()).isEqualTo("key_revoked");
            HttpResponse<String> again = fx.send("DELETE", "/v1/admin/keys/temp", null, TOKEN);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(json(again).path("error").path("code").asText()).isEqualTo("key_revoked");
            HttpResponse<String> patch = fx.send("PATCH", "/v1/admin/keys/temp", "{\"enabled\":true}", TOKEN);
            assertThat(patch.statusCode()).isEqualTo(409);
            assertThat(fx.adminJson("/v1/admin/keys").path("data")).extracting(k -> k.path("status").asText())
                    .containsExactly("active", "revoked");
        }
    }

    @Test
    void bad_requests_are_refused_with_the_member_named() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            record Case(String method, String path, String body, int status, String code, String param, String message) {
            }
            List<Case> cases = List.of(
                    new Case("POST", "/v1/admin/keys", "{}", 400, "invalid_parameter", "name", "name: missing"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"team-a\"}", 409, "key_name_taken", "name",
                            "name: 'team-a' (expected: a name no other key has)"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"bad name\"}", 400, "invalid_parameter", "name",
                            "name: 'bad name' (expected: 1-64 characters"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"requests_per_minute\":0}", 400,
                            "invalid_parameter", "requests_per_minute", "requests_per_minute: 0 (expected: 1..1000000)"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"requests_per_minute\":\"60\"}", 400,
                            "invalid_parameter", "requests_per_minute", "requests_per_minute: '60' (expected: an integer or null)"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"budget_micros\":100}", 400,
                            "invalid_parameter", "budget_period", "budget_period: missing with budget_micros: 100"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"budget_micros\":1,\"budget_period\":\"week\"}", 400,
                            "invalid_parameter", "budget_period", "budget_period: 'week' (expected: day or month)"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"expires_at\":\"2020-01-01\"}", 400,
                            "invalid_parameter", "expires_at", "expires_at: 2020-01-01T00:00:00Z (expected: a time after now"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"expires_at\":\"soon\"}", 400,
                            "invalid_parameter", "expires_at", "expires_at: 'soon' (expected: ISO-8601"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"payload_policy\":\"all\"}", 400,
                            "invalid_parameter", "payload_policy", "payload_policy: 'all' (expected: off, hash, redacted or full)"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"enabled\":\"yes\"}", 400,
                            "invalid_parameter", "enabled", "enabled: 'yes' (expected: true or false)"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"x\",\"secret\":\"tk-mine\"}", 400,
                            "unknown_parameter", "secret", "secret: unknown member"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":", 400, "invalid_json", null, "body: not valid JSON"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"a\"}{}", 400, "invalid_json", null,
                            "body: more data after the JSON value"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":" + "[".repeat(2000) + "]".repeat(2000) + "}", 400, "invalid_json",
                            null, "body: nested deeper than 256 levels"),
                    new Case("POST", "/v1/admin/keys", "[1]", 400, "invalid_parameter", null, "body: array"),
                    new Case("POST", "/v1/admin/keys", "{\"name\":\"" + "n".repeat(70_000) + "\"}", 413,
                            "request_too_large", null, "body: more than 65536 bytes"),
                    new Case("PATCH", "/v1/admin/keys/nobody", "{\"enabled\":false}", 404, "not_found", "id",
                            "key: 'nobody' (expected: the id or name of an existing key)"),
                    new Case("GET", "/v1/admin/keys/nobody", null, 404, "not_found", "id", "key: 'nobody'"),
                    new Case("DELETE", "/v1/admin/keys/nobody", null, 404, "not_found", "id", "key: 'nobody'"));
            for (Case c : cases) {
                HttpResponse<String> res = fx.send(c.method(), c.path(), c.body(), TOKEN);
                JsonNode error = json(res).path("error");
                assertThat(res.statusCode()).as(c + " → " + res.body()).isEqualTo(c.status());
                assertThat(error.path("code").asText()).as(c.toString()).isEqualTo(c.code());
                assertThat(error.path("param").isNull() ? null : error.path("param").asText()).as(c.toString())
                        .isEqualTo(c.param());
                assertThat(error.path("message").asText()).as(c.toString()).startsWith(c.message());
            }
            assertThat(fx.adminJson("/v1/admin/keys").path("data")).hasSize(1);
            assertThat(adminEvents(fx)).hasSize(1);
        }
    }

    @Test
    void when_the_admin_event_cannot_be_written_the_change_fails_and_nothing_changes() throws Exception {
        FaultyStore[] faulty = new FaultyStore[1];
        try (AdminFixture fx = AdminFixture.startOn(dir, s -> faulty[0] = new FaultyStore(s))) {
            String id = json(fx.send("POST", "/v1/admin/keys", "{\"name\":\"svc\",\"requests_per_minute\":5}", TOKEN))
                    .path("id").asText();
            JsonNode before = fx.adminJson("/v1/admin/keys/" + id);

            faulty[0].down = true;
            HttpResponse<String> create = fx.send("POST", "/v1/admin/keys", "{\"name\":\"other\"}", TOKEN);
            HttpResponse<String> update = fx.send("PATCH", "/v1/admin/keys/svc", "{\"requests_per_minute\":7}", TOKEN);
            HttpResponse<String> revoke = fx.send("DELETE", "/v1/admin/keys/svc", null, TOKEN);
            faulty[0].down = false;

            assertThat(List.of(create, update, revoke)).allSatisfy(res -> {
                assertThat(res.statusCode()).as(res.body()).isEqualTo(503);
                assertThat(json(res).path("error").path("code").asText()).isEqualTo("store_unavailable");
                assertThat(json(res).path("error").path("type").asText()).isEqualTo("server_error");
            });
            assertThat(create.body()).doesNotContain("tk-");
            assertThat(fx.adminJson("/v1/admin/keys/" + id)).isEqualTo(before);
            assertThat(fx.admin("/v1/admin/keys/other").statusCode()).isEqualTo(404);
            assertThat(adminEvents(fx)).extracting(e -> e.path("type").asText()).containsExactly("key_created", "key_created");
        }
    }
}
