package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.chain.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/admin/verify}'s signed-head fields: entries no head covers yet, the latest head
 * with its age, and whether the keys were pinned ({@code audit.trusted_keys}) or listed by the
 * store. Heads come every 5 entries and never by time during a test, so the 9 seeded entries
 * leave 4 unsigned.
 */
class AdminVerifyHeadsTest {

    @TempDir
    Path dir;

    private AdminFixture fx;

    @AfterEach
    void stop() {
        fx.close();
    }

    private JsonNode chainReport(String auditLines) throws Exception {
        fx = AdminFixture.startWith(dir, auditLines, c -> c.withSignInterval(Duration.ofHours(1)));
        new Seeded(fx);
        return fx.adminJson("/v1/admin/verify");
    }

    @Test
    void without_pinned_keys_the_store_listed_key_is_used_and_the_unsigned_tail_is_counted() throws Exception {
        JsonNode report = chainReport("");
        JsonNode chain = report.path("chains").get(0);

        assertThat(report.path("ok").asBoolean()).isTrue();
        assertThat(chain.path("unsigned_entries").asLong()).isEqualTo(4);
        assertThat(chain.path("key_trust").asText()).isEqualTo("store_listed");
        JsonNode head = chain.path("latest_head");
        assertThat(head.path("tree_size").asLong()).isEqualTo(5);
        assertThat(head.path("head_hash").asText()).matches("[0-9a-f]{64}");
        assertThat(head.path("age_ms").asLong()).isNotNegative();
    }

    @Test
    void with_the_gateway_key_pinned_the_chain_is_checked_against_it() throws Exception {
        SigningKeys keys = SigningKeys.loadOrCreate(dir); // the recorder will sign with this pair
        Path pub = dir.resolve(SigningKeys.PUBLIC_FILE);

        JsonNode report = chainReport("  trusted_keys: [\"file:" + pub + "\"]\n");

        assertThat(report.path("ok").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.path("chains").get(0).path("key_trust").asText()).isEqualTo("pinned");
        assertThat(report.path("chains").get(0).path("latest_head").path("key_id").asText()).isEqualTo(keys.keyId());
    }

    @Test
    void with_another_key_pinned_the_chain_is_unpinned_and_fails() throws Exception {
        String other = Base64.getEncoder().encodeToString(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded());
        Path pub = Files.writeString(dir.resolve("auditor.pub"), other);

        JsonNode report = chainReport("  trusted_keys: [\"file:" + pub + "\"]\n");

        assertThat(report.path("ok").asBoolean()).isFalse();
        assertThat(report.path("chains").get(0).path("key_trust").asText()).isEqualTo("unpinned");
        assertThat(report.path("first_bad").path("reason").asText()).contains("signed by unknown key id");
    }
}
