package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.gateway.keys.KeySettings;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/admin/logs} and {@code /v1/admin/logs/{id}} over seeded proxy traffic: every filter, paging, one record. */
class AdminLogsTest {

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

    private List<String> ids(String query) throws Exception {
        JsonNode page = fx.adminJson("/v1/admin/logs" + query);
        List<String> out = new ArrayList<>();
        page.path("data").forEach(r -> out.add(r.path("id").asText()));
        return out;
    }

    @Test
    void without_filters_every_call_record_comes_newest_first_in_its_canonical_json() throws Exception {
        JsonNode page = fx.adminJson("/v1/admin/logs");

        assertThat(page.path("next_cursor").isNull()).isTrue();
        assertThat(ids("")).containsExactlyElementsOf(seeded.newestFirst(1, 2, 3, 4, 5, 6));
        JsonNode first = page.path("data").get(5);
        assertThat(first.path("kind").asText()).isEqualTo("call");
        assertThat(first.fieldNames().next()).isEqualTo("kind");
        assertThat(first.path("started_at").asText()).isEqualTo("2026-11-20T10:00:00.000Z");
        assertThat(first.path("key_name").asText()).isEqualTo("team-a");
        assertThat(first.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(first.path("served_model").asText()).isEqualTo("gpt-4o-upstream");
        assertThat(first.path("input_tokens").asLong()).isEqualTo(1000);
        assertThat(first.path("output_tokens").asLong()).isEqualTo(200);
        assertThat(first.path("cost_micros").asLong()).isEqualTo(4500);
        assertThat(first.path("tags").path("pipeline").asText()).isEqualTo("nightly");
        assertThat(page.path("data").get(0).has("cost_micros")).as("unpriced: absent, never 0").isFalse();
    }

    @Test
    void since_and_until_take_iso_instants_dates_offsets_and_epoch_millis() throws Exception {
        assertThat(ids("?since=2026-11-21")).containsExactlyElementsOf(seeded.newestFirst(3, 4, 5, 6));
        assertThat(ids("?until=2026-11-21T00:00:00Z")).containsExactlyElementsOf(seeded.newestFirst(1, 2));
        long millis = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
        assertThat(ids("?since=" + millis)).containsExactlyElementsOf(seeded.newestFirst(4, 5, 6));
        assertThat(ids("?since=2026-11-20T12:30:00%2B01:00&until=2026-11-21T12:00:00Z"))
                .as("since is inclusive, until exclusive").containsExactlyElementsOf(seeded.newestFirst(2, 3));
    }

    @Test
    void key_filter_takes_a_key_id_or_name() throws Exception {
        assertThat(ids("?key=team-b")).containsExactlyElementsOf(seeded.newestFirst(3, 4));
        assertThat(ids("?key=" + seeded.teamBId)).containsExactlyElementsOf(seeded.newestFirst(3, 4));
        assertThat(ids("?key=no-such-key")).isEmpty();
    }

    @Test
    void model_provider_status_and_user_filters_each_narrow_the_records() throws Exception {
        assertThat(ids("?model=gpt-4o")).containsExactlyElementsOf(seeded.newestFirst(1, 3, 4));
        assertThat(ids("?provider=backup")).containsExactlyElementsOf(seeded.newestFirst(2));
        assertThat(ids("?status=success")).containsExactlyElementsOf(seeded.newestFirst(1, 2, 3, 6));
        assertThat(ids("?status=error")).containsExactlyElementsOf(seeded.newestFirst(4));
        assertThat(ids("?status=refused")).containsExactlyElementsOf(seeded.newestFirst(5));
        assertThat(ids("?user=alice")).containsExactlyElementsOf(seeded.newestFirst(1, 3));
        assertThat(ids("?model=gpt-4o&user=alice&key=team-b")).containsExactlyElementsOf(seeded.newestFirst(3));
    }

    @Test
    void tag_filters_repeat_and_must_all_match() throws Exception {
        assertThat(ids("?tag=pipeline:nightly")).containsExactlyElementsOf(seeded.newestFirst(1));
        assertThat(ids("?tag=pipeline:daily&tag=tier:gold")).containsExactlyElementsOf(seeded.newestFirst(3));
        assertThat(ids("?tag=pipeline:nightly&tag=tier:gold")).isEmpty();
        assertThat(ids("?tag=tier:silver")).isEmpty();
    }

    @Test
    void an_empty_value_counts_as_absent_like_an_empty_form_field() throws Exception {
        assertThat(ids("?model=&user=&since=")).hasSize(6);
    }

    @Test
    void pages_follow_the_cursor_to_the_end_without_repeats() throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = fx.adminJson("/v1/admin/logs?limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.path("data").size()).isLessThanOrEqualTo(4);
            page.path("data").forEach(r -> seen.add(r.path("id").asText()));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(2);
        assertThat(seen).containsExactlyElementsOf(seeded.newestFirst(1, 2, 3, 4, 5, 6));
        assertThat(ids("?limit=1000")).hasSize(6);
    }

    @Test
    void one_record_comes_with_its_place_in_the_chain_and_no_payload_when_none_was_kept() throws Exception {
        String id = seeded.ids.get(2);
        JsonNode r = fx.adminJson("/v1/admin/logs/" + id);

        assertThat(r.path("id").asText()).isEqualTo(id);
        assertThat(r.path("kind").asText()).isEqualTo("call");
        assertThat(r.path("key_name").asText()).isEqualTo("team-b");
        assertThat(r.path("tags").path("tier").asText()).isEqualTo("gold");
        assertThat(r.path("chain").asText()).isEqualTo("test-chain");
        assertThat(r.path("seq").asLong()).isPositive();
        assertThat(r.path("hash").asText()).matches("[0-9a-f]{64}");
        assertThat(r.path("payload").asText()).isEqualTo("none");
        assertThat(r.path("kept_payload").isNull()).isTrue();
    }

    @Test
    void one_record_carries_its_kept_payload() throws Exception {
        String secret = fx.gateway.keys().create(KeySettings.named("keeper").withPayloadPolicy("full"), "test").secret();
        HttpResponse<String> call = fx.chat(secret, "gpt-4o", null, 3, 2);
        String id = call.headers().firstValue("x-request-id").orElseThrow();

        JsonNode r = fx.adminJson("/v1/admin/logs/" + id);

        assertThat(r.path("payload").asText()).isEqualTo("full");
        JsonNode kept = r.path("kept_payload");
        assertThat(kept.path("mode").asText()).isEqualTo("full");
        assertThat(kept.path("request").asText()).contains("\"content\":\"Hi\"");
        assertThat(kept.path("response").asText()).contains("Hello!");
        assertThat(kept.path("request_sha256").asText()).matches("[0-9a-f]{64}");
        assertThat(kept.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void an_unknown_id_or_the_id_of_an_event_is_404_in_json() throws Exception {
        HttpResponse<String> unknown = fx.admin("/v1/admin/logs/0190aaaa-0000-7000-8000-000000000000");
        assertThat(unknown.statusCode()).isEqualTo(404);
        JsonNode error = AdminFixture.JSON.readTree(unknown.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("not_found");
        assertThat(error.path("param").asText()).isEqualTo("id");
        assertThat(error.path("message").asText()).contains("0190aaaa-0000-7000-8000-000000000000");

        String eventId = fx.adminJson("/v1/admin/events?type=unknown_model").path("data").get(0).path("id").asText();
        assertThat(fx.admin("/v1/admin/logs/" + eventId).statusCode()).isEqualTo(404);
        assertThat(fx.admin("/v1/admin/logs/" + URLEncoder.encode("x' OR 1=1 --", StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(400);
    }
}
