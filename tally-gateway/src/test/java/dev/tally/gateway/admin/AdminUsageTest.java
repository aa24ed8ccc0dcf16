package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/admin/usage} over the {@link Seeded} traffic: summary, every group_by, order_by + limit, filters. */
class AdminUsageTest {

    @TempDir
    Path dir;

    private AdminFixture fx;
    private Seeded seeded;

    @BeforeEach
    void seed() throws Exception {
        fx = AdminFixture.start(dir);
        seeded = new Seeded(fx);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    /** calls per group, keyed by the group's values joined with '|'. */
    private Map<String, Long> calls(JsonNode report) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (JsonNode g : report.path("groups")) {
            StringBuilder key = new StringBuilder();
            g.path("group").fields().forEachRemaining(f -> {
                if (!f.getKey().equals("key_name")) {
                    key.append(key.isEmpty() ? "" : "|").append(f.getValue().isNull() ? "null" : f.getValue().asText());
                }
            });
            out.put(key.toString(), g.path("calls").asLong());
        }
        return out;
    }

    @Test
    void the_summary_counts_every_call_with_tokens_cost_and_latency() throws Exception {
        JsonNode report = fx.adminJson("/v1/admin/usage");

        JsonNode s = report.path("summary");
        assertThat(s.path("calls").asLong()).isEqualTo(6);
        assertThat(s.path("success").asLong()).isEqualTo(4);
        assertThat(s.path("errors").asLong()).isEqualTo(1);
        assertThat(s.path("refused").asLong()).isEqualTo(1);
        assertThat(s.path("cancelled").asLong()).isZero();
        assertThat(s.path("input_tokens").asLong()).isEqualTo(3510);
        assertThat(s.path("output_tokens").asLong()).isEqualTo(705);
        assertThat(s.path("cached_input_tokens").asLong()).isZero();
        assertThat(s.path("reasoning_tokens").asLong()).isZero();
        assertThat(s.path("cost_micros").asLong()).isEqualTo(4500 + 135 + 9000);
        assertThat(s.path("unpriced_calls").asLong()).isPositive();
        assertThat(s.path("latency_ms").path("avg").isNumber()).isTrue();
        for (String p : new String[] {"p50", "p95", "p99"}) {
            assertThat(s.path("latency_ms").path(p).isIntegralNumber()).as(p).isTrue();
        }
        assertThat(s.path("ttft_ms").has("p95")).isTrue();
        assertThat(report.path("groups").isEmpty()).isTrue();
    }

    @Test
    void group_by_model() throws Exception {
        assertThat(calls(fx.adminJson("/v1/admin/usage?group_by=model")))
                .containsOnly(Map.entry("gpt-4o", 3L), Map.entry("gpt-4o-mini", 1L), Map.entry("no-such", 1L),
                        Map.entry("free-model", 1L));
    }

    @Test
    void group_by_key_and_day_at_once_names_the_keys() throws Exception {
        JsonNode report = fx.adminJson("/v1/admin/usage?group_by=key,day");
        String teamA = fx.gateway.keys().get("team-a").id();

        assertThat(calls(report)).containsOnly(Map.entry(teamA + "|2026-11-20", 2L),
                Map.entry(seeded.teamBId + "|2026-11-21", 2L), Map.entry(teamA + "|2026-11-22", 2L));
        assertThat(report.path("groups")).allSatisfy(g ->
                assertThat(g.path("group").path("key_name").asText()).isIn("team-a", "team-b"));
    }

    @Test
    void group_by_provider_status_user_and_hour() throws Exception {
        assertThat(calls(fx.adminJson("/v1/admin/usage?group_by=provider")))
                .containsEntry("openai", 4L).containsEntry("backup", 1L);
        assertThat(calls(fx.adminJson("/v1/admin/usage?group_by=status")))
                .containsOnly(Map.entry("success", 4L), Map.entry("error", 1L), Map.entry("refused", 1L));
        assertThat(calls(fx.adminJson("/v1/admin/usage?group_by=user")))
                .containsOnly(Map.entry("alice", 2L), Map.entry("bob", 1L), Map.entry("carol", 1L), Map.entry("null", 2L));
        assertThat(calls(fx.adminJson("/v1/admin/usage?group_by=hour&since=2026-11-20&until=2026-11-21")))
                .containsOnly(Map.entry("2026-11-20T10:00:00Z", 1L), Map.entry("2026-11-20T11:00:00Z", 1L));
    }

    @Test
    void group_by_hour_of_day_shows_the_traffic_pattern_across_days() throws Exception {
        assertThat(calls(fx.adminJson("/v1/admin/usage?group_by=hour_of_day")))
                .containsOnly(Map.entry("8", 1L), Map.entry("9", 2L), Map.entry("10", 1L), Map.entry("11", 1L),
                        Map.entry("12", 1L));
    }

    @Test
    void group_by_a_tag_puts_untagged_calls_under_null() throws Exception {
        assertThat(calls(fx.adminJson("/v1/admin/usage?group_by=tag:pipeline")))
                .containsOnly(Map.entry("nightly", 1L), Map.entry("daily", 1L), Map.entry("null", 4L));
        assertThat(calls(fx.adminJson("/v1/admin/usage?group_by=model,tag:tier")))
                .containsEntry("gpt-4o|gold", 1L).containsEntry("gpt-4o|null", 2L);
    }

    @Test
    void order_by_and_limit_give_the_top_spenders() throws Exception {
        JsonNode top = fx.adminJson("/v1/admin/usage?group_by=key&order_by=cost_micros&limit=1");

        assertThat(top.path("groups")).hasSize(1);
        JsonNode first = top.path("groups").get(0);
        assertThat(first.path("group").path("key_name").asText()).isEqualTo("team-b");
        assertThat(first.path("cost_micros").asLong()).isEqualTo(9000);
        assertThat(top.path("summary").path("calls").asLong()).as("the summary still covers every call").isEqualTo(6);

        JsonNode byCalls = fx.adminJson("/v1/admin/usage?group_by=model&order_by=calls");
        assertThat(byCalls.path("groups").get(0).path("group").path("model").asText()).isEqualTo("gpt-4o");
        JsonNode slowest = fx.adminJson("/v1/admin/usage?group_by=model&order_by=latency_p95&limit=2");
        assertThat(slowest.path("groups")).hasSize(2);
    }

    @Test
    void filters_and_range_narrow_the_calls_counted() throws Exception {
        assertThat(fx.adminJson("/v1/admin/usage?key=team-b").path("summary").path("calls").asLong()).isEqualTo(2);
        assertThat(fx.adminJson("/v1/admin/usage?model=gpt-4o&status=success").path("summary").path("calls").asLong())
                .isEqualTo(2);
        assertThat(fx.adminJson("/v1/admin/usage?tag=pipeline:daily").path("summary").path("cost_micros").asLong())
                .isEqualTo(9000);
        assertThat(fx.adminJson("/v1/admin/usage?since=2026-11-22").path("summary").path("calls").asLong()).isEqualTo(2);
        assertThat(fx.adminJson("/v1/admin/usage?since=2026-11-20T11:00:00Z&until=2026-11-21T10:00:00Z")
                .path("summary").path("input_tokens").asLong()).isEqualTo(2500);
    }
}
