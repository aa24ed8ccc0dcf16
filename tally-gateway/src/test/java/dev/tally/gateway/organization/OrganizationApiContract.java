package dev.tally.gateway.organization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.store.AuditStore;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible Usage and Costs API over a real socket, on one store per subclass. The
 * traffic, seeded through the proxy:
 *
 * <pre>
 * started_at            key  route       model                   user   project  tokens (in/cached/out)  cost
 * 2024-11-01T10:00:00Z  A    chat        gpt-4o                  alice  alpha    200/80/100              0.012
 * 2024-11-01T10:20:00Z  A    chat        gpt-4o                  alice  alpha    200/80/100              0.012
 * 2024-11-01T10:40:00Z  A    chat        gpt-4o                  bob    -        200/80/100              0.012
 * 2024-11-01T11:00:00Z  A    embeddings  text-embedding-3-small  alice  alpha    8                       unpriced
 * 2024-11-01T11:30:00Z  A    embeddings  text-embedding-3-small  alice  alpha    8                       unpriced
 * 2024-11-01T12:00:00Z  A    chat        gpt-4o                  alice  alpha    200/80/100              0.012
 * 2024-11-01T12:30:00Z  A    chat        gpt-4o                  bob    -        200/80/100              0.012
 * 2024-11-02T09:00:30Z  B    chat        gpt-4o-mini             carol  beta     100/0/50                0.0002
 * 2024-11-02T09:01:10Z  B    chat        gpt-4o-mini             carol  -        10/0/5                  0.00002
 * 2024-11-02T09:01:50Z  A    chat        gpt-4o-mini             -      -        20/0/10                 0.00004
 * 2024-11-02T09:05:00Z  B    embeddings  text-embedding-3-small  -      beta     4                       unpriced
 * </pre>
 *
 * The first day reproduces the figures of OpenAI's documented examples: 16 embedding tokens in 2
 * requests, and 0.06 USD.
 */
abstract class OrganizationApiContract {

    static final long NOV_1 = 1_730_419_200L;
    static final long NOV_2 = NOV_1 + 86_400;

    @TempDir
    Path dir;
    OrganizationFixture fx;
    String keyA;
    String keyB;

    /** A fresh, empty store. */
    protected abstract AuditStore newStore(Path dir);

    @BeforeEach
    void seed() throws Exception {
        fx = new OrganizationFixture(dir, newStore(dir));
        String[] a = fx.key("team-a");
        String[] b = fx.key("team-b");
        keyA = a[0];
        keyB = b[0];
        fx.chat("2024-11-01T10:00:00Z", a[1], "gpt-4o", "alice", "alpha", 200, 80, 100);
        fx.chat("2024-11-01T10:20:00Z", a[1], "gpt-4o", "alice", "alpha", 200, 80, 100);
        fx.chat("2024-11-01T10:40:00Z", a[1], "gpt-4o", "bob", null, 200, 80, 100);
        fx.embed("2024-11-01T11:00:00Z", a[1], "alice", "alpha", 8);
        fx.embed("2024-11-01T11:30:00Z", a[1], "alice", "alpha", 8);
        fx.chat("2024-11-01T12:00:00Z", a[1], "gpt-4o", "alice", "alpha", 200, 80, 100);
        fx.chat("2024-11-01T12:30:00Z", a[1], "gpt-4o", "bob", null, 200, 80, 100);
        fx.chat("2024-11-02T09:00:30Z", b[1], "gpt-4o-mini", "carol", "beta", 100, 0, 50);
        fx.chat("2024-11-02T09:01:10Z", b[1], "gpt-4o-mini", "carol", null, 10, 0, 5);
        fx.chat("2024-11-02T09:01:50Z", a[1], "gpt-4o-mini", null, null, 20, 0, 10);
        fx.embed("2024-11-02T09:05:00Z", b[1], null, "beta", 4);
        fx.clock.set(java.time.Instant.parse("2024-11-03T12:00:00Z"));
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    static JsonNode fixture(String name) throws Exception {
        try (InputStream in = OrganizationApiContract.class.getResourceAsStream("/openai/organization/" + name)) {
            return OrganizationFixture.JSON.readTree(in);
        }
    }

    /**
     * {@code ours} has exactly the fixture's members, in its order, at every level, each of the same
     * JSON type (integers where it has integers); arrays are compared by their first element.
     */
    static void assertSameShape(JsonNode expected, JsonNode ours, String path) {
        assertThat(ours.getNodeType()).as(path + " type").isEqualTo(expected.getNodeType());
        if (expected.isNumber()) {
            assertThat(ours.isIntegralNumber()).as(path + " integral").isEqualTo(expected.isIntegralNumber());
        } else if (expected.isObject()) {
            List<String> want = new ArrayList<>();
            expected.fieldNames().forEachRemaining(want::add);
            List<String> got = new ArrayList<>();
            ours.fieldNames().forEachRemaining(got::add);
            assertThat(got).as(path + " members").isEqualTo(want);
            for (String name : want) {
                assertSameShape(expected.get(name), ours.get(name), path + "." + name);
            }
        } else if (expected.isArray() && !expected.isEmpty()) {
            assertThat(ours).as(path + " elements").isNotEmpty();
            assertSameShape(expected.get(0), ours.get(0), path + "[0]");
        }
    }

    @Test
    void completions_answer_the_documented_example_query_in_its_shape() throws Exception {
        JsonNode ours = fx.json("/v1/organization/usage/completions?start_time=" + NOV_1 + "&limit=1");
        assertSameShape(fixture("completions.json"), ours, "$");
        JsonNode bucket = ours.get("data").get(0);
        assertThat(bucket.get("start_time").asLong()).isEqualTo(NOV_1);
        assertThat(bucket.get("end_time").asLong()).isEqualTo(NOV_2);
        JsonNode r = bucket.get("results").get(0);
        assertThat(r.get("input_tokens").asLong()).isEqualTo(1000);
        assertThat(r.get("input_cached_tokens").asLong()).isEqualTo(400);
        assertThat(r.get("input_cache_write_tokens").asLong()).isZero();
        assertThat(r.get("input_uncached_tokens").asLong()).isEqualTo(600);
        assertThat(r.get("input_text_tokens").asLong()).isEqualTo(600);
        assertThat(r.get("input_cached_text_tokens").asLong()).isEqualTo(400);
        assertThat(r.get("output_tokens").asLong()).isEqualTo(500);
        assertThat(r.get("output_text_tokens").asLong()).isEqualTo(500);
        assertThat(r.get("input_audio_tokens").asLong()).isZero();
        assertThat(r.get("num_model_requests").asLong()).as("embeddings are not completions").isEqualTo(5);
        assertThat(ours.get("has_more").asBoolean()).as("two more days up to now").isTrue();
        assertThat(ours.get("next_page").asText()).startsWith("page_");
    }

    @Test
    void embeddings_reproduce_the_documented_example_exactly() throws Exception {
        JsonNode ours = fx.json("/v1/organization/usage/embeddings?start_time=" + NOV_1 + "&end_time=" + NOV_2
                + "&limit=1");
        assertThat(ours).isEqualTo(fixture("embeddings.json"));
    }

    @Test
    void costs_reproduce_the_documented_example_exactly() throws Exception {
        JsonNode ours = fx.json("/v1/organization/costs?start_time=" + NOV_1 + "&end_time=" + NOV_2 + "&limit=1");
        assertThat(ours).isEqualTo(fixture("costs.json"));
    }

    @Test
    void hourly_completions_group_by_every_field() throws Exception {
        JsonNode ours = fx.json("/v1/organization/usage/completions?start_time=" + NOV_1 + "&end_time=" + NOV_2
                + "&bucket_width=1h&group_by%5B%5D=model&group_by%5B%5D=user_id&group_by%5B%5D=project_id&group_by%5B%5D=api_key_id"
                + "&group_by%5B%5D=batch&group_by%5B%5D=service_tier");
        JsonNode data = ours.get("data");
        assertThat(data).hasSize(24);
        assertThat(ours.get("has_more").asBoolean()).isFalse();
        assertThat(ours.get("next_page").isNull()).isTrue();
        assertThat(data.get(9).get("results")).isEmpty();
        assertThat(data.get(11).get("results")).as("embeddings only in hour 11").isEmpty();
        JsonNode ten = data.get(10);
        assertThat(ten.get("start_time").asLong()).isEqualTo(NOV_1 + 10 * 3600);
        assertThat(ten.get("end_time").asLong()).isEqualTo(NOV_1 + 11 * 3600);
        JsonNode results = ten.get("results");
        assertThat(results).hasSize(2);
        // Ordered by project_id (absent first), then user_id.
        assertGroup(results.get(0), null, "bob", keyA, "gpt-4o", 1);
        assertGroup(results.get(1), "alpha", "alice", keyA, "gpt-4o", 2);
        List<String> members = new ArrayList<>();
        results.get(1).fieldNames().forEachRemaining(members::add);
        List<String> documented = new ArrayList<>();
        fixture("completions.json").at("/data/0/results/0").fieldNames().forEachRemaining(documented::add);
        assertThat(members).isEqualTo(documented);
        assertThat(results.get(1).get("batch").isBoolean()).isTrue();
        assertThat(results.get(1).get("batch").asBoolean()).isFalse();
        assertThat(results.get(1).get("service_tier").isNull()).isTrue();
        assertThat(data.get(12).get("results")).hasSize(2);
    }

    private static void assertGroup(JsonNode r, String project, String user, String key, String model, long requests) {
        assertThat(r.get("project_id").isNull() ? null : r.get("project_id").asText()).isEqualTo(project);
        assertThat(r.get("user_id").isNull() ? null : r.get("user_id").asText()).isEqualTo(user);
        assertThat(r.get("api_key_id").asText()).isEqualTo(key);
        assertThat(r.get("model").asText()).isEqualTo(model);
        assertThat(r.get("num_model_requests").asLong()).isEqualTo(requests);
    }

    @Test
    void filters_with_several_values_and_one_value() throws Exception {
        JsonNode ours = fx.json("/v1/organization/usage/completions?start_time=" + NOV_1 + "&end_time=" + (NOV_2 + 86_400)
                + "&models%5B%5D=gpt-4o&models%5B%5D=gpt-4o-mini&user_ids=carol&group_by=model");
        assertThat(ours.get("data")).hasSize(2);
        assertThat(ours.get("data").get(0).get("results")).isEmpty();
        JsonNode r = ours.get("data").get(1).get("results");
        assertThat(r).hasSize(1);
        assertThat(r.get(0).get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(r.get(0).get("num_model_requests").asLong()).isEqualTo(2);
        assertThat(r.get(0).get("input_tokens").asLong()).isEqualTo(110);

        JsonNode byKey = fx.json("/v1/organization/usage/completions?start_time=" + NOV_2 + "&end_time=" + (NOV_2 + 86_400)
                + "&api_key_ids%5B%5D=" + keyA + "&project_ids%5B%5D=beta&project_ids%5B%5D=alpha");
        assertThat(byKey.get("data").get(0).get("results")).as("key A had no project on day 2").isEmpty();
        JsonNode projects = fx.json("/v1/organization/usage/embeddings?start_time=" + NOV_1 + "&end_time="
                + (NOV_2 + 86_400) + "&project_ids=beta&group_by=project_id");
        JsonNode day2 = projects.get("data").get(1).get("results").get(0);
        assertThat(day2.get("project_id").asText()).isEqualTo("beta");
        assertThat(day2.get("input_tokens").asLong()).isEqualTo(4);
        assertThat(projects.get("data").get(0).get("results")).isEmpty();
        JsonNode batch = fx.json("/v1/organization/usage/completions?start_time=" + NOV_1 + "&batch=true");
        assertThat(batch.get("data").get(0).get("results")).as("Tally relays no batch jobs").isEmpty();
    }

    @Test
    void minute_buckets_come_from_the_calls_of_each_minute() throws Exception {
        long nine = NOV_2 + 9 * 3600;
        JsonNode ours = fx.json("/v1/organization/usage/completions?start_time=" + nine + "&end_time=" + (nine + 300)
                + "&bucket_width=1m");
        JsonNode data = ours.get("data");
        assertThat(data).as(ours.toString()).hasSize(5);
        assertThat(data.get(1).get("results")).as(ours.toString()).hasSize(1);
        assertThat(data.get(0).get("results").get(0).get("num_model_requests").asLong()).isEqualTo(1);
        assertThat(data.get(0).get("results").get(0).get("input_tokens").asLong()).isEqualTo(100);
        assertThat(data.get(1).get("results").get(0).get("num_model_requests").asLong()).isEqualTo(2);
        assertThat(data.get(1).get("results").get(0).get("input_tokens").asLong()).isEqualTo(30);
        assertThat(data.get(2).get("results")).isEmpty();
        JsonNode embeddings = fx.json("/v1/organization/usage/embeddings?start_time=" + (nine + 240) + "&end_time="
                + (nine + 360) + "&bucket_width=1m");
        assertThat(embeddings.get("data").get(0).get("results")).isEmpty();
        assertThat(embeddings.get("data").get(1).get("start_time").asLong()).isEqualTo(nine + 300);
        assertThat(embeddings.get("data").get(1).get("results").get(0).get("input_tokens").asLong()).isEqualTo(4);
    }

    @Test
    void every_width_adds_up_to_the_same_totals_between_unaligned_bounds() throws Exception {
        // 10:10 to 12:30:01 on the first day: chats at 10:20, 10:40, 12:00, 12:30; embeddings at 11:00, 11:30.
        String range = "start_time=" + (NOV_1 + 10 * 3600 + 600) + "&end_time=" + (NOV_1 + 12 * 3600 + 1801);
        for (String width : List.of("1m", "1h", "1d")) {
            long[] chats = totals(fx.json("/v1/organization/usage/completions?" + range + "&bucket_width=" + width
                    + "&limit=" + (width.equals("1m") ? 1440 : 24)), "input_tokens");
            assertThat(chats).as(width).containsExactly(4, 800);
            long[] embeddings = totals(fx.json("/v1/organization/usage/embeddings?" + range + "&bucket_width=" + width
                    + "&limit=" + (width.equals("1m") ? 1440 : 24)), "input_tokens");
            assertThat(embeddings).as(width).containsExactly(2, 16);
        }
    }

    /** Requests and the sum of {@code field} over every bucket and result of a one-page answer. */
    private static long[] totals(JsonNode page, String field) {
        assertThat(page.get("has_more").asBoolean()).isFalse();
        long requests = 0;
        long sum = 0;
        for (JsonNode bucket : page.get("data")) {
            for (JsonNode r : bucket.get("results")) {
                requests += r.get("num_model_requests").asLong();
                sum += r.get(field).asLong();
            }
        }
        return new long[] {requests, sum};
    }

    @Test
    void costs_by_line_item_and_key() throws Exception {
        JsonNode ours = fx.json("/v1/organization/costs?start_time=" + NOV_2 + "&end_time=" + (NOV_2 + 86_400)
                + "&group_by=line_item&group_by=api_key_id");
        List<String> lines = new ArrayList<>();
        for (JsonNode r : ours.get("data").get(0).get("results")) {
            assertSameShape(fixture("costs.json").at("/data/0/results/0/amount"), r.get("amount"), "amount");
            lines.add(r.get("line_item").asText() + " " + (r.get("api_key_id").asText().equals(keyA) ? "A" : "B") + " "
                    + r.get("amount").get("value").decimalValue().stripTrailingZeros().toPlainString());
        }
        assertThat(lines).containsExactlyInAnyOrder("gpt-4o-mini A 0.00004", "gpt-4o-mini B 0.00022",
                "text-embedding-3-small B 0");
    }

    @Test
    void pages_follow_next_page_and_match_one_page() throws Exception {
        String query = "/v1/organization/usage/completions?start_time=" + NOV_1 + "&end_time=" + (NOV_1 + 4 * 86_400)
                + "&group_by=model";
        JsonNode whole = fx.json(query + "&limit=4");
        List<JsonNode> buckets = new ArrayList<>();
        String page = null;
        int pages = 0;
        do {
            JsonNode answer = fx.json(query + "&limit=1" + (page == null ? "" : "&page=" + page));
            assertThat(fx.json(query + "&limit=1" + (page == null ? "" : "&page=" + page))).as("stable").isEqualTo(answer);
            answer.get("data").forEach(buckets::add);
            page = answer.get("next_page").isNull() ? null : answer.get("next_page").asText();
            assertThat(answer.get("has_more").asBoolean()).isEqualTo(page != null);
            pages++;
        } while (page != null);
        assertThat(pages).isEqualTo(4);
        assertThat(buckets).containsExactlyElementsOf(whole.get("data"));
        String second = fx.json(query + "&limit=1").get("next_page").asText();
        HttpResponse<String> other = fx.get("/v1/organization/usage/completions?start_time=" + NOV_1 + "&end_time="
                + (NOV_1 + 4 * 86_400) + "&group_by=api_key_id&page=" + second, OrganizationFixture.ADMIN_TOKEN);
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(OrganizationFixture.JSON.readTree(other.body()).at("/error/param").asText()).isEqualTo("page");
    }

    @Test
    void a_query_without_end_time_keeps_its_end_across_pages() throws Exception {
        String query = "/v1/organization/usage/completions?start_time=" + NOV_1 + "&limit=1";
        String next = fx.json(query).get("next_page").asText();
        fx.clock.set(java.time.Instant.parse("2024-11-09T12:00:00Z"));
        JsonNode second = fx.json(query + "&page=" + next);
        JsonNode third = fx.json(query + "&page=" + second.get("next_page").asText());
        assertThat(third.get("data").get(0).get("start_time").asLong()).isEqualTo(NOV_2 + 86_400);
        assertThat(third.get("has_more").asBoolean()).as("the first page's end: 2024-11-03T12:00Z").isFalse();
    }

    @Test
    void the_routes_need_the_admin_token() throws Exception {
        for (String path : List.of("/v1/organization/usage/completions", "/v1/organization/usage/embeddings",
                "/v1/organization/costs")) {
            HttpResponse<String> res = fx.get(path + "?start_time=" + NOV_1, null);
            assertThat(res.statusCode()).isEqualTo(401);
            assertThat(OrganizationFixture.JSON.readTree(res.body()).at("/error/code").asText())
                    .isEqualTo("missing_admin_token");
            assertThat(fx.get(path + "?start_time=" + NOV_1, "tadm-wrong").statusCode()).isEqualTo(401);
        }
    }
}
