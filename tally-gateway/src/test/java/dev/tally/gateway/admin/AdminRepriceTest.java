package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.id.IdSource;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/admin/reprice} over a real socket, and the adjustments it appends as every
 * usage figure shows them: {@code GET /v1/admin/usage} (original, adjustment, adjusted, per group),
 * {@code GET /v1/usage} and {@code GET /v1/organization/costs} (folded into the amount).
 *
 * <p>Besides {@link Seeded}'s traffic (priced at the gateway's prices), two calls recorded as an
 * older gateway would have: a gpt-4o call of team-a at a stale cost (1000 in, 200 out: 1,000
 * micro-USD then, 4,500 at today's $2.50/$10) and an unpriced gpt-4o-mini call of team-a (500 in,
 * 100 out: 135 micro-USD at today's $0.15/$0.60).
 */
class AdminRepriceTest {

    private static final String RANGE = "&since=2026-11-20&until=2026-11-23";

    @TempDir
    Path dir;

    private AdminFixture fx;
    private Seeded seeded;
    private String teamA;
    private String staleId;

    @BeforeEach
    void seed() throws Exception {
        fx = AdminFixture.start(dir);
        seeded = new Seeded(fx);
        teamA = fx.gateway.keys().list().stream().filter(k -> k.name().equals("team-a")).findFirst().orElseThrow().id();
        IdSource ids = IdSource.system();
        Instant at = Instant.parse("2026-11-20T12:00:00Z");
        CallRecord stale = call(ids, at, "gpt-4o", "openai").costMicros(1_000L).priceId("p-old").build();
        staleId = stale.id();
        fx.recorder.recordAndWait(stale);
        fx.recorder.recordAndWait(call(ids, at.plusSeconds(60), "gpt-4o-mini", "backup").inputTokens(500L)
                .outputTokens(100L).build());
    }

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private CallRecord.Builder call(IdSource ids, Instant at, String model, String provider) {
        return CallRecord.builder().id(ids.next()).startedAt(at).status(CallStatus.SUCCESS).keyId(teamA)
                .keyName("team-a").model(model).provider(provider).user("dave").tags(Map.of("pipeline", "nightly"))
                .inputTokens(1000L).outputTokens(200L);
    }

    private HttpResponse<String> reprice(String query) throws Exception {
        return fx.send("POST", "/v1/admin/reprice?" + query, null, AdminFixture.ADMIN_TOKEN);
    }

    @Test
    void bad_requests_are_refused_naming_the_parameter() throws Exception {
        assertThat(fx.send("POST", "/v1/admin/reprice?model=gpt-4o" + RANGE, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> noModel = reprice("since=2026-11-20&until=2026-11-23");
        assertThat(noModel.statusCode()).isEqualTo(400);
        assertThat(noModel.body()).contains("model: missing");
        HttpResponse<String> backwards = reprice("model=gpt-4o&since=2026-11-23&until=2026-11-20");
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(backwards.body()).contains("until");
        HttpResponse<String> noUntil = reprice("model=gpt-4o&since=2026-11-23");
        assertThat(noUntil.statusCode()).isEqualTo(400);
        assertThat(noUntil.body()).contains("until: missing");
        HttpResponse<String> badFlag = reprice("model=gpt-4o" + RANGE + "&dry_run=yes");
        assertThat(badFlag.statusCode()).isEqualTo(400);
        assertThat(badFlag.body()).contains("dry_run: 'yes' (expected: true or false)");
        assertThat(fx.adminJson("/v1/admin/events?type=cost_adjustment").path("data")).isEmpty();
    }

    @Test
    void a_reprice_adjusts_only_what_changed_and_a_second_run_adds_nothing() throws Exception {
        JsonNode dry = json(reprice("model=gpt-4o" + RANGE + "&dry_run=true"));
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        assertThat(dry.path("adjusted").asLong()).isEqualTo(1);
        assertThat(fx.adminJson("/v1/admin/events?type=cost_adjustment").path("data")).isEmpty();

        JsonNode run = json(reprice("model=gpt-4o" + RANGE + "&reason=price%20fix"));
        assertThat(run.path("records_seen").asLong()).isEqualTo(4); // calls 1, 3, 4 and the stale one
        assertThat(run.path("adjusted").asLong()).isEqualTo(1);
        assertThat(run.path("unchanged").asLong()).isEqualTo(2);
        assertThat(run.path("unpriced").asLong()).isEqualTo(1); // call 4 failed: no tokens, no cost
        assertThat(run.path("delta_micros").asLong()).isEqualTo(3_500);
        assertThat(run.path("delta_usd").asText()).isEqualTo("0.003500");
        assertThat(run.path("transactions").asLong()).isEqualTo(1);
        JsonNode sample = run.path("sample").get(0);
        assertThat(sample.path("old_micros").asLong()).isEqualTo(1_000);
        assertThat(sample.path("old_price_id").asText()).isEqualTo("p-old");
        assertThat(sample.path("new_micros").asLong()).isEqualTo(4_500);

        JsonNode events = fx.adminJson("/v1/admin/events?type=cost_adjustment").path("data");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("actor").asText()).isEqualTo("admin-api");
        assertThat(events.get(0).path("after").path("reason").asText()).isEqualTo("price fix");

        JsonNode record = fx.adminJson("/v1/admin/logs/" + staleId);
        assertThat(record.path("cost_micros").asLong()).as("the record is never edited").isEqualTo(1_000);
        assertThat(record.path("adjusted_cost_micros").asLong()).isEqualTo(4_500);
        assertThat(record.path("cost_adjustments")).hasSize(1);
        assertThat(record.path("cost_adjustments").get(0).path("delta_micros").asLong()).isEqualTo(3_500);
        assertThat(record.path("cost_adjustments").get(0).path("reason").asText()).isEqualTo("price fix");
        JsonNode untouched = fx.adminJson("/v1/admin/logs/" + seeded.ids.get(0));
        assertThat(untouched.path("cost_adjustments")).isEmpty();
        assertThat(untouched.path("adjusted_cost_micros").asLong()).isEqualTo(untouched.path("cost_micros").asLong());
        assertThat(fx.adminJson("/v1/admin/logs/" + seeded.ids.get(5)).path("adjusted_cost_micros").isNull()).isTrue();

        JsonNode again = json(reprice("model=gpt-4o" + RANGE));
        assertThat(again.path("adjusted").asLong()).isZero();
        assertThat(fx.adminJson("/v1/admin/events?type=cost_adjustment").path("data")).hasSize(1);

        JsonNode unpriced = json(reprice("model=gpt-4o-mini" + RANGE));
        assertThat(unpriced.path("from_unpriced").asLong()).isEqualTo(1);
        assertThat(unpriced.path("delta_micros").asLong()).isEqualTo(135);
        assertThat(unpriced.path("sample").get(0).path("old_micros").isNull()).isTrue();
        assertThat(fx.adminJson("/v1/admin/verify").path("ok").asBoolean()).isTrue();
    }

    @Test
    void usage_reports_show_the_original_the_adjustments_and_the_adjusted_spend() throws Exception {
        JsonNode before = fx.adminJson("/v1/admin/usage?group_by=model" + RANGE);
        long original = before.path("summary").path("cost_micros").asLong();
        assertThat(before.path("summary").path("adjustment_micros").asLong()).isZero();
        assertThat(before.path("summary").path("adjusted_cost_micros").asLong()).isEqualTo(original);
        BigDecimal costsBefore = costs();

        json(reprice("model=gpt-4o" + RANGE));
        json(reprice("model=gpt-4o-mini" + RANGE));

        JsonNode byModel = fx.adminJson("/v1/admin/usage?group_by=model" + RANGE);
        assertThat(byModel.path("summary").path("cost_micros").asLong()).isEqualTo(original);
        assertThat(byModel.path("summary").path("adjustment_micros").asLong()).isEqualTo(3_635);
        assertThat(byModel.path("summary").path("adjusted_cost_micros").asLong()).isEqualTo(original + 3_635);
        assertThat(group(byModel, "model", "gpt-4o").path("adjustment_micros").asLong()).isEqualTo(3_500);
        assertThat(group(byModel, "model", "gpt-4o-mini").path("adjustment_micros").asLong()).isEqualTo(135);
        assertThat(group(byModel, "model", "free-model").path("adjustment_micros").asLong()).isZero();
        JsonNode gpt4o = group(byModel, "model", "gpt-4o");
        assertThat(gpt4o.path("adjusted_cost_micros").asLong())
                .isEqualTo(gpt4o.path("cost_micros").asLong() + 3_500);

        JsonNode byKeyAndDay = fx.adminJson("/v1/admin/usage?group_by=key,day" + RANGE);
        for (JsonNode g : byKeyAndDay.path("groups")) {
            boolean stale = g.path("group").path("key").asText().equals(teamA)
                    && g.path("group").path("day").asText().equals("2026-11-20");
            assertThat(g.path("adjustment_micros").asLong()).as(g.toString()).isEqualTo(stale ? 3_635 : 0);
        }
        JsonNode byHour = fx.adminJson("/v1/admin/usage?group_by=hour,user,provider" + RANGE);
        assertThat(byHour.path("groups").toString()).contains("\"adjustment_micros\":3500");
        JsonNode byTag = fx.adminJson("/v1/admin/usage?group_by=tag:pipeline" + RANGE);
        assertThat(group(byTag, "tag:pipeline", "nightly").path("adjustment_micros").asLong()).isEqualTo(3_635);
        JsonNode filtered = fx.adminJson("/v1/admin/usage?model=gpt-4o-mini&user=dave" + RANGE);
        assertThat(filtered.path("summary").path("adjustment_micros").asLong()).isEqualTo(135);
        JsonNode teamB = fx.adminJson("/v1/admin/usage?key=team-b" + RANGE);
        assertThat(teamB.path("summary").path("adjustment_micros").asLong()).isZero();

        JsonNode self = fx.JSON.readTree(fx.http.send(java.net.http.HttpRequest.newBuilder(fx.uri("/v1/usage?" + RANGE.substring(1)))
                .header("authorization", "Bearer " + fx.clientKey).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(self.path("usage").path("adjustment_micros").asLong()).isEqualTo(3_635);
        assertThat(self.path("usage").path("adjusted_cost_micros").asLong())
                .isEqualTo(self.path("usage").path("cost_micros").asLong() + 3_635);

        assertThat(costs().subtract(costsBefore)).isEqualByComparingTo("0.003635");
    }

    private BigDecimal costs() throws Exception {
        long start = Instant.parse("2026-11-20T00:00:00Z").getEpochSecond();
        JsonNode page = fx.adminJson("/v1/organization/costs?start_time=" + start + "&end_time=" + (start + 3 * 86_400)
                + "&limit=3");
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode bucket : page.path("data")) {
            for (JsonNode r : bucket.path("results")) {
                sum = sum.add(r.path("amount").path("value").decimalValue());
            }
        }
        return sum;
    }

    private static JsonNode group(JsonNode report, String dimension, String value) {
        for (JsonNode g : report.path("groups")) {
            if (value.equals(g.path("group").path(dimension).asText(null))) {
                return g;
            }
        }
        throw new AssertionError("no group " + dimension + "=" + value + " in " + report);
    }

    private static JsonNode json(HttpResponse<String> res) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return AdminFixture.JSON.readTree(res.body());
    }
}
