package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every invalid parameter gets 400 with {@code {"error":{"message","type":"invalid_request_error","param","code"}}}
 * naming the parameter, the value (short) and what is expected; values that look like SQL are only ever data.
 */
class AdminParamsTest {

    @TempDir
    static Path dir;

    private static AdminFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = AdminFixture.start(dir);
        fx.chat(fx.clientKey, "gpt-4o", "alice", 10, 5);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static JsonNode error(String path) throws Exception {
        HttpResponse<String> res = fx.admin(path);
        assertThat(res.statusCode()).as(path + " → " + res.body()).isEqualTo(400);
        assertThat(res.headers().firstValue("content-type")).contains("application/json");
        JsonNode error = AdminFixture.JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText().length()).as("short message").isLessThan(400);
        return error;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/v1/admin/logs?limit=0               | limit    | limit: 0 (expected: 1..1000)",
        "/v1/admin/logs?limit=1001            | limit    | limit: 1001 (expected: 1..1000)",
        "/v1/admin/logs?limit=-5              | limit    | limit: -5 (expected: 1..1000)",
        "/v1/admin/logs?limit=ten             | limit    | limit: 'ten' (expected: an integer 1..1000)",
        "/v1/admin/logs?limit=1&limit=2       | limit    | limit: given 2 times (expected: once)",
        "/v1/admin/logs?since=yesterday       | since    | since: 'yesterday' (expected: ISO-8601",
        "/v1/admin/logs?until=2026-13-01      | until    | until: '2026-13-01' (expected: ISO-8601",
        "/v1/admin/logs?since=2026-11-22&until=2026-11-21 | until | until: 2026-11-21T00:00:00Z (expected: after since, 2026-11-22T00:00:00Z)",
        "/v1/admin/logs?status=done           | status   | status: 'done' (expected one of: success, error, refused, cancelled, interrupted)",
        "/v1/admin/logs?tag=pipeline          | tag      | tag: 'pipeline' (expected: name:value)",
        "/v1/admin/logs?cursor=abc            | cursor   | cursor: 'abc' (expected: the next_cursor of a previous page",
        "/v1/admin/logs?cursor=a%2Bb          | cursor   | cursor: 'a+b' (expected: the next_cursor of a previous page",
        "/v1/admin/events?cursor=djE6eDp5     | cursor   | cursor: 'djE6eDp5' (expected: the next_cursor",
        "/v1/admin/events?type=nope           | type     | type: 'nope' (expected one of: admin_auth_failure",
        "/v1/admin/events?limit=0             | limit    | limit: 0 (expected: 1..1000)",
        "/v1/admin/usage?group_by=color       | group_by | group_by: 'color' (expected a comma list of: model, key",
        "/v1/admin/usage?group_by=model,model | group_by | group_by: 'model' given twice",
        "/v1/admin/usage?group_by=tag:a,tag:b | group_by | group_by: 'tag:a,tag:b' (expected: at most one tag:<name>)",
        "/v1/admin/usage?group_by=model,      | group_by | group_by: '' (expected a comma list",
        "/v1/admin/usage?order_by=name        | order_by | order_by: 'name' (expected one of: cache_write_tokens, cached_input_tokens, calls",
        "/v1/admin/usage?limit=0              | limit    | limit: 0 (expected: 1..10000)",
        "/v1/admin/usage?limit=10001          | limit    | limit: 10001 (expected: 1..10000)",
        "/v1/admin/usage?tag=a:1&tag=b:2      | tag      | tag: 2 filters (expected: at most one for usage)",
        "/v1/admin/logs/x?limit=1             | limit    | limit: unknown parameter (expected: none)",
        "/v1/admin/logs?modle=gpt-4o          | modle    | modle: unknown parameter (expected one of: cursor, key, limit, model",
    })
    void invalid_parameters_are_400_naming_parameter_value_and_expectation(String path, String param, String message)
            throws Exception {
        JsonNode error = error(path);

        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).startsWith(message);
        assertThat(error.path("code").asText()).isIn("invalid_parameter", "unknown_parameter");
    }

    @Test
    void unknown_routes_and_methods_under_the_admin_path_are_json_404s() throws Exception {
        for (String[] call : new String[][] {{"GET", "/v1/admin/nothing"}, {"POST", "/v1/admin/logs"},
                {"DELETE", "/v1/admin/verify"}, {"GET", "/v1/admin/logs/a/b"}}) {
            HttpResponse<String> res = fx.send(call[0], call[1], null, AdminFixture.ADMIN_TOKEN);
            assertThat(res.statusCode()).as(call[0] + " " + call[1]).isEqualTo(404);
            JsonNode error = AdminFixture.JSON.readTree(res.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("unknown_route");
            assertThat(error.path("message").asText()).startsWith("route: " + call[0] + " " + call[1]);
        }
        assertThat(fx.send("GET", "/v1/admin/nothing", null, null).statusCode()).as("token first").isEqualTo(401);
        assertThat(fx.send("GET", "/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void oversized_values_are_refused_by_length_without_echoing_them() throws Exception {
        String big = "m".repeat(300);
        JsonNode error = error("/v1/admin/logs?model=" + big);
        assertThat(error.path("message").asText()).isEqualTo("model: 300 characters (expected: at most 256)");

        JsonNode cursor = error("/v1/admin/logs?cursor=" + "c".repeat(201));
        assertThat(cursor.path("message").asText()).isEqualTo("cursor: 201 characters (expected: at most 200)");

        JsonNode tag = error("/v1/admin/logs?tag=t:" + "v".repeat(400));
        assertThat(tag.path("message").asText()).doesNotContain("vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv");
    }

    @Test
    void values_shaped_like_sql_are_only_data() throws Exception {
        String injection = URLEncoder.encode("gpt-4o' OR '1'='1", StandardCharsets.UTF_8);
        assertThat(fx.adminJson("/v1/admin/logs?model=" + injection).path("data")).isEmpty();
        assertThat(fx.adminJson("/v1/admin/logs?user=" + URLEncoder.encode("x\" OR 1=1; DROP TABLE entries; --",
                StandardCharsets.UTF_8)).path("data")).isEmpty();
        assertThat(fx.adminJson("/v1/admin/logs?tag=" + URLEncoder.encode("a' OR 1=1 --:x", StandardCharsets.UTF_8))
                .path("data")).isEmpty();
        assertThat(fx.adminJson("/v1/admin/usage?group_by=" + URLEncoder.encode("tag:x) UNION SELECT 1 --",
                StandardCharsets.UTF_8)).path("summary").path("calls").asLong()).isEqualTo(1);
        assertThat(fx.adminJson("/v1/admin/logs").path("data")).hasSize(1);
    }
}
