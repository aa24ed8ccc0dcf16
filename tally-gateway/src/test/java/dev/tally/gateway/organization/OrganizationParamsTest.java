package dev.tally.gateway.organization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad parameters get OpenAI's error shape ({@code {"error":{"message","type","param","code"}}}),
 * a 400 that names the parameter, the value and what is expected. Parsing does not depend on the
 * store, so one SQLite gateway serves every case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationParamsTest {

    OrganizationFixture fx;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        fx = new OrganizationFixture(dir, SqliteAuditStore.open(dir.resolve("tally.db")));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @ParameterizedTest(name = "{0}?{1}")
    @CsvSource(delimiter = '|', textBlock = """
            usage/completions | end_time=1730505600 | invalid_parameter | start_time | start_time: missing (expected: unix seconds, the inclusive start)
            usage/completions | start_time=abc | invalid_parameter | start_time | start_time: 'abc' (expected: an integer)
            usage/completions | start_time=-5 | invalid_parameter | start_time | start_time: -5 (expected: unix seconds, 0..253402300799, 9999-12-31T23:59:59Z)
            usage/completions | start_time=1&start_time=2 | invalid_parameter | start_time | start_time: given 2 times (expected: once)
            usage/completions | start_time=1730505600&end_time=1730419200 | invalid_parameter | end_time | end_time: 1730419200 (expected: after start_time 1730505600)
            usage/embeddings | start_time=1893456000 | invalid_parameter | start_time | start_time: 1893456000 (expected: before the current time 1730419200 when end_time is absent)
            usage/completions | start_time=1730419200&bucket_width=5m | invalid_parameter | bucket_width | bucket_width: '5m' (expected one of: 1m, 1h, 1d)
            costs | start_time=1730419200&bucket_width=1h | invalid_parameter | bucket_width | bucket_width: '1h' (expected one of: 1d)
            usage/completions | start_time=1730419200&limit=0 | invalid_parameter | limit | limit: 0 (expected: 1..31 for bucket_width 1d)
            usage/embeddings | start_time=1730419200&bucket_width=1h&limit=169 | invalid_parameter | limit | limit: 169 (expected: 1..168 for bucket_width 1h)
            usage/completions | start_time=1730419200&bucket_width=1m&limit=1441 | invalid_parameter | limit | limit: 1441 (expected: 1..1440 for bucket_width 1m)
            costs | start_time=1730419200&limit=181 | invalid_parameter | limit | limit: 181 (expected: 1..180 for bucket_width 1d)
            usage/embeddings | start_time=1730419200&group_by=batch | invalid_parameter | group_by | group_by: 'batch' (expected any of: project_id, user_id, api_key_id, model)
            costs | start_time=1730419200&group_by%5B%5D=user_id | invalid_parameter | group_by | group_by: 'user_id' (expected any of: project_id, line_item, api_key_id)
            usage/completions | start_time=1730419200&batch=yes | invalid_parameter | batch | batch: 'yes' (expected: true or false)
            usage/completions | start_time=1730419200&page=page_xyz | invalid_parameter | page | page: 'page_xyz' (expected: the next_page of an earlier answer)
            costs | start_time=1730419200&user_ids=alice | unknown_parameter | user_ids | user_ids: unknown parameter (expected one of: api_key_ids, bucket_width, end_time, group_by, limit, page, project_ids, start_time)
            usage/embeddings | start_time=1730419200&since=1 | unknown_parameter | since | since: unknown parameter (expected one of: api_key_ids, bucket_width, end_time, group_by, limit, models, page, project_ids, start_time, user_ids)
            """)
    void a_bad_parameter_is_named_with_its_value_and_the_expectation(String route, String query, String code, String param,
            String message) throws Exception {
        HttpResponse<String> res = fx.get("/v1/organization/" + route + "?" + query, OrganizationFixture.ADMIN_TOKEN);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(res.headers().firstValue("content-type")).contains("application/json");
        JsonNode error = OrganizationFixture.JSON.readTree(res.body()).get("error");
        List<String> members = List.copyOf(iterable(error));
        assertThat(members).containsExactly("message", "type", "param", "code");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).isEqualTo(message);
    }

    private static List<String> iterable(JsonNode node) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @ParameterizedTest
    @CsvSource({"usage/completions", "usage/embeddings", "costs"})
    void a_cursor_from_another_route_is_refused(String route) throws Exception {
        String other = route.equals("costs") ? "usage/completions" : "costs";
        String page = fx.json("/v1/organization/" + other + "?start_time=1730419200&end_time=1730678400&limit=1")
                .get("next_page").asText();
        HttpResponse<String> res = fx.get("/v1/organization/" + route + "?start_time=1730419200&end_time=1730678400&page="
                + page, OrganizationFixture.ADMIN_TOKEN);
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(OrganizationFixture.JSON.readTree(res.body()).at("/error/message").asText())
                .isEqualTo("page: '" + BadParameter.clip(page) + "' (expected: the next_page of an answer to the same query)");
    }
}
