package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/admin/witness}: the witness state named by {@code audit.witness_state}, as the dashboard reads it. */
class AdminWitnessTest {

    @TempDir
    Path dir;

    private AdminFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void without_a_configured_witness_the_answer_says_so() throws Exception {
        fx = AdminFixture.start(dir);

        assertThat(fx.adminJson("/v1/admin/witness").toString()).isEqualTo("{\"configured\":false}");
    }

    @Test
    void before_the_witness_wrote_its_first_state_there_is_no_result_yet() throws Exception {
        Path state = dir.resolve("witness").resolve("state.json");
        fx = AdminFixture.startWithAudit(dir, "  witness_state: " + state + "\n");

        JsonNode answer = fx.adminJson("/v1/admin/witness");

        assertThat(answer.path("configured").asBoolean()).isTrue();
        assertThat(answer.path("state_file").asText()).isEqualTo(state.toString());
        assertThat(answer.path("state").isNull()).isTrue();
        assertThat(answer.path("error").isNull()).isTrue();
    }

    @Test
    void the_last_result_is_served_with_its_age_from_the_gateway_clock() throws Exception {
        Path state = dir.resolve("state.json");
        Files.writeString(state, """
                {"checked_at":"2026-11-20T09:59:50.000Z","ok":false,"heads":[],
                 "findings":[{"chain":"gw-1","kind":"rollback","message":"tree size 40 is smaller than the saved 50"}]}
                """);
        fx = AdminFixture.startWithAudit(dir, "  witness_state: " + state + "\n");

        JsonNode answer = fx.adminJson("/v1/admin/witness");

        assertThat(answer.path("error").isNull()).as(answer.toString()).isTrue();
        assertThat(answer.path("age_ms").asLong()).isEqualTo(10_000); // the fixture's clock stands at 10:00:00
        assertThat(answer.path("state").path("ok").asBoolean()).isFalse();
        assertThat(answer.path("state").path("findings").get(0).path("kind").asText()).isEqualTo("rollback");
    }

    @Test
    void a_damaged_state_file_is_reported_not_hidden() throws Exception {
        Path state = Files.writeString(dir.resolve("state.json"), "{\"checked_at\": ");
        fx = AdminFixture.startWithAudit(dir, "  witness_state: " + state + "\n");

        JsonNode answer = fx.adminJson("/v1/admin/witness");

        assertThat(answer.path("state").isNull()).isTrue();
        assertThat(answer.path("error").asText()).startsWith("not JSON");
    }
}
