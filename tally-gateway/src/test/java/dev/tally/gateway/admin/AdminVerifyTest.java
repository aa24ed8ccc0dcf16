package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/admin/verify}: ok on an untouched log; after a row is edited in the SQLite file, names its seq. */
class AdminVerifyTest {

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

    @Test
    void an_untouched_log_verifies_with_its_head_and_checkpoints() throws Exception {
        JsonNode report = fx.adminJson("/v1/admin/verify");

        assertThat(report.path("ok").asBoolean()).isTrue();
        assertThat(report.path("first_bad").isNull()).isTrue();
        assertThat(report.path("chains")).hasSize(1);
        JsonNode chain = report.path("chains").get(0);
        assertThat(chain.path("chain").asText()).isEqualTo("test-chain");
        // 6 calls, 2 key_created, 1 unknown_model event
        assertThat(chain.path("entries").asLong()).isEqualTo(9);
        assertThat(chain.path("head_seq").asLong()).isEqualTo(9);
        assertThat(chain.path("head").asText()).matches("[0-9a-f]{64}");
        assertThat(chain.path("checkpoints").asInt()).as("one every 5 entries").isEqualTo(1);
        assertThat(chain.path("ok").asBoolean()).isTrue();
    }

    @Test
    void a_record_edited_in_the_database_file_breaks_the_chain_at_its_seq() throws Exception {
        String id = seeded.ids.get(2);
        long seq = fx.adminJson("/v1/admin/logs/" + id).path("seq").asLong();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"))) {
            byte[] body;
            try (PreparedStatement s = c.prepareStatement("SELECT body FROM entries WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    body = rs.getBytes(1);
                }
            }
            String text = new String(body, StandardCharsets.UTF_8);
            assertThat(text).contains("\"input_tokens\":2000");
            try (PreparedStatement s = c.prepareStatement("UPDATE entries SET body = ? WHERE id = ?")) {
                s.setBytes(1, text.replace("\"input_tokens\":2000", "\"input_tokens\":20").getBytes(StandardCharsets.UTF_8));
                s.setString(2, id);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
        }

        JsonNode report = fx.adminJson("/v1/admin/verify");

        assertThat(report.path("ok").asBoolean()).isFalse();
        JsonNode bad = report.path("first_bad");
        assertThat(bad.path("chain").asText()).isEqualTo("test-chain");
        assertThat(bad.path("seq").asLong()).isEqualTo(seq);
        assertThat(bad.path("id").asText()).isEqualTo(id);
        assertThat(bad.path("reason").asText()).contains("hash");
        JsonNode chain = report.path("chains").get(0);
        assertThat(chain.path("ok").asBoolean()).isFalse();
        assertThat(chain.path("first_bad").path("seq").asLong()).isEqualTo(seq);
        assertThat(chain.path("head_seq").asLong()).as("last entry that still verified").isEqualTo(seq - 1);
    }
}
