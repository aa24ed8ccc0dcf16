package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.gateway.keys.CreatedKey;
import dev.tally.gateway.keys.KeySettings;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/usage}: a key holder sees their own calls, tokens, cost, limits and budget left, with their own key. */
class SelfUsageTest {

    @TempDir
    Path dir;

    private static HttpResponse<String> usage(AdminFixture fx, String query, String header, String value) throws Exception {
        fx.recorder.flush();
        HttpRequest.Builder b = HttpRequest.newBuilder(fx.uri("/v1/usage" + query)).GET();
        if (header != null) {
            b.header(header, value);
        }
        return fx.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_key_sees_its_own_usage_limits_and_budget_left_in_the_period() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            CreatedKey key = fx.gateway.keys().create(KeySettings.named("app").withRequestsPerMinute(100L)
                    .withAllowedModels(List.of("gpt-4o")).withBudget(1_000_000L, BudgetPeriod.MONTH), "test");
            fx.at("2026-10-31T23:00:00Z");
            fx.chat(key.secret(), "gpt-4o", null, 1000, 100); // last month: 2500 + 1000 = 3500 micros
            fx.at("2026-11-20T10:00:00Z");
            fx.chat(key.secret(), "gpt-4o", null, 2000, 200); // 5000 + 2000 = 7000
            fx.recorder.flush(); // committed before the limiter next reads the month's spend
            fx.at("2026-11-20T11:00:00Z");
            fx.chat(key.secret(), "gpt-4o", null, 400, 10);   // 1000 + 100 = 1100
            fx.chat(fx.clientKey, "gpt-4o", null, 9999, 999); // another key: never counted here

            HttpResponse<String> res = usage(fx, "", "authorization", "Bearer " + key.secret());

            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode body = AdminFixture.JSON.readTree(res.body());
            assertThat(body.path("key").path("name").asText()).isEqualTo("app");
            assertThat(body.path("key").path("id").asText()).isEqualTo(key.key().id());
            assertThat(body.path("since").isNull()).isTrue();
            JsonNode usage = body.path("usage");
            assertThat(usage.path("calls").asLong()).isEqualTo(3);
            assertThat(usage.path("input_tokens").asLong()).isEqualTo(3400);
            assertThat(usage.path("output_tokens").asLong()).isEqualTo(310);
            assertThat(usage.path("cost_micros").asLong()).isEqualTo(3500 + 7000 + 1100);
            assertThat(usage.path("latency_ms").has("p95")).isTrue();
            JsonNode limits = body.path("limits");
            assertThat(limits.path("requests_per_minute").asLong()).isEqualTo(100);
            assertThat(limits.path("tokens_per_minute").isNull()).isTrue();
            assertThat(limits.path("budget_micros").asLong()).isEqualTo(1_000_000);
            assertThat(limits.path("budget_period").asText()).isEqualTo("month");
            assertThat(limits.path("allowed_models").get(0).asText()).isEqualTo("gpt-4o");
            JsonNode budget = body.path("budget");
            assertThat(budget.path("period").asText()).isEqualTo("month");
            assertThat(budget.path("spent_micros").asLong()).as("this month only").isEqualTo(7000 + 1100);
            assertThat(budget.path("remaining_micros").asLong()).isEqualTo(1_000_000 - 8100);
            assertThat(budget.path("period_start").asText()).isEqualTo("2026-11-01T00:00:00.000Z");
            assertThat(budget.path("resets_at").asText()).isEqualTo("2026-12-01T00:00:00.000Z");

            JsonNode november = AdminFixture.JSON.readTree(usage(fx, "?since=2026-11-01&until=2026-11-20T10:30:00Z",
                    "x-api-key", key.secret()).body());
            assertThat(november.path("since").asText()).isEqualTo("2026-11-01T00:00:00.000Z");
            assertThat(november.path("usage").path("calls").asLong()).isEqualTo(1);
            assertThat(november.path("usage").path("cost_micros").asLong()).isEqualTo(7000);

            JsonNode other = AdminFixture.JSON.readTree(usage(fx, "", "authorization", "Bearer " + fx.clientKey).body());
            assertThat(other.path("usage").path("calls").asLong()).isEqualTo(1);
            assertThat(other.path("budget").isNull()).isTrue();
            assertThat(fx.adminJson("/v1/admin/logs").path("data")).as("no call record for /v1/usage").hasSize(4);
        }
    }

    @Test
    void without_a_valid_key_it_is_401_with_the_proxy_auth_event() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            CreatedKey revoked = fx.gateway.keys().create(KeySettings.named("gone"), "test");
            fx.gateway.keys().revoke("gone", "test");

            HttpResponse<String> none = usage(fx, "", null, null);
            HttpResponse<String> admin = usage(fx, "", "authorization", "Bearer " + AdminFixture.ADMIN_TOKEN);
            HttpResponse<String> gone = usage(fx, "", "authorization", "Bearer " + revoked.secret());

            assertThat(List.of(none, admin, gone)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(401));
            assertThat(AdminFixture.JSON.readTree(none.body()).path("error").path("code").asText()).isEqualTo("missing_api_key");
            assertThat(AdminFixture.JSON.readTree(admin.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
            assertThat(AdminFixture.JSON.readTree(gone.body()).path("error").path("code").asText()).isEqualTo("key_revoked");
            JsonNode events = fx.adminJson("/v1/admin/events?since=2026-01-01").path("data");
            assertThat(events).extracting(e -> e.path("type").asText())
                    .containsSubsequence("auth_disabled", "auth_failure", "auth_failure");
            assertThat(events.toString()).doesNotContain(AdminFixture.ADMIN_TOKEN).doesNotContain(revoked.secret())
                    .contains("GET /v1/usage");
        }
    }

    @Test
    void bad_parameters_are_400() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            HttpResponse<String> res = usage(fx, "?since=last-week", "authorization", "Bearer " + fx.clientKey);
            assertThat(res.statusCode()).isEqualTo(400);
            JsonNode error = AdminFixture.JSON.readTree(res.body()).path("error");
            assertThat(error.path("param").asText()).isEqualTo("since");
            assertThat(error.path("message").asText()).startsWith("since: 'last-week' (expected: ISO-8601");
            assertThat(usage(fx, "?group_by=model", "authorization", "Bearer " + fx.clientKey).statusCode()).isEqualTo(400);
        }
    }
}
