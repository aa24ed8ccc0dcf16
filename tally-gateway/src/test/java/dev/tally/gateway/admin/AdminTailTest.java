package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/admin/tail} over real proxy traffic: the head position holds nothing old; what
 * is committed after it comes in commit order (a call that started earlier but ended later comes
 * later), each once, with the filters applied; a position it did not make is a 400 naming it.
 */
class AdminTailTest {

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

    private static List<String> ids(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.path("data").forEach(r -> out.add(r.path("id").asText()));
        return out;
    }

    private static String after(JsonNode answer) {
        return URLEncoder.encode(answer.path("position").asText(), StandardCharsets.UTF_8);
    }

    @Test
    void recordsCommittedAfterThePositionComeInCommitOrderEachOnce() throws Exception {
        JsonNode head = fx.adminJson("/v1/admin/tail");
        assertThat(head.path("data")).isEmpty();
        assertThat(head.path("position").asText()).matches("[A-Za-z0-9_-]+");
        assertThat(ids(fx.adminJson("/v1/admin/tail?after=" + after(head)))).as("nothing old").isEmpty();

        fx.at("2026-11-23T10:00:00Z");
        String later = fx.chat(fx.clientKey, "gpt-4o-mini", "dora", 5, 1).headers().firstValue("x-request-id").orElseThrow();
        fx.at("2026-11-20T09:00:00Z"); // started before every seeded call, committed after them all
        String earlier = fx.chat(fx.clientKey, "gpt-4o", "erin", 5, 1).headers().firstValue("x-request-id").orElseThrow();
        fx.recorder.flush();

        JsonNode tail = fx.adminJson("/v1/admin/tail?after=" + after(head));
        assertThat(ids(tail)).containsExactly(later, earlier);
        assertThat(tail.path("data").get(0).fieldNames().next()).isEqualTo("kind");
        assertThat(ids(fx.adminJson("/v1/admin/tail?after=" + after(tail)))).as("each once").isEmpty();
        assertThat(ids(fx.adminJson("/v1/admin/tail?after=" + after(head) + "&model=gpt-4o&user=erin")))
                .containsExactly(earlier);
        assertThat(ids(fx.adminJson("/v1/admin/tail?after=" + after(head) + "&limit=1"))).containsExactly(later);
        assertThat(seeded.ids).doesNotContain(later, earlier);
    }

    @Test
    void aPositionItDidNotMakeOrAnUnknownParameterIsRefusedByName() throws Exception {
        HttpResponse<String> bad = fx.admin("/v1/admin/tail?after=garbage");
        HttpResponse<String> until = fx.admin("/v1/admin/tail?until=2026-11-21");

        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode error = AdminFixture.JSON.readTree(bad.body()).path("error");
        assertThat(error.path("param").asText()).isEqualTo("after");
        assertThat(error.path("message").asText())
                .isEqualTo("after: 'garbage' (expected: the position of a previous GET /v1/admin/tail answer)");
        assertThat(until.statusCode()).isEqualTo(400);
        assertThat(until.body()).contains("until: unknown parameter");
    }
}
