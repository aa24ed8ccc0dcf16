package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.chain.SigningKeys;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/admin/signing-key/rotate} over a real socket: only with the admin token; a next
 * key that cannot be written beside the key file is a 500 naming it, with nothing rotated; then, writable, the
 * rotation answers the new key and the announcing head, and the gateway signs with the new key.
 */
class AdminSigningKeyTest {

    private static final String ROUTE = "/v1/admin/signing-key/rotate";

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
    void a_rotation_needs_the_token_refuses_when_the_next_key_cannot_be_written_and_then_switches_keys() throws Exception {
        Path keyFile = dir.resolve("keys").resolve("signing.key");
        fx = AdminFixture.startWith(dir.resolve("data"), "  sign_interval: 1h\n",
                c -> c.withSignInterval(Duration.ofHours(1)).withSigningKeyFile(keyFile));
        new Seeded(fx);
        String oldKey = fx.recorder.publicKeyBase64();

        HttpResponse<String> anonymous = fx.send("POST", ROUTE, null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);

        // Where the next key would go cannot be written (a directory stands there; file modes would
        // not stop a test running as root).
        Path blocked = Files.createDirectories(dir.resolve("keys").resolve("signing.key.next"));
        Files.writeString(blocked.resolve("in-the-way"), "x");
        HttpResponse<String> readOnly = fx.send("POST", ROUTE, null, AdminFixture.ADMIN_TOKEN);
        assertThat(readOnly.statusCode()).as(readOnly.body()).isEqualTo(500);
        assertThat(new ObjectMapper().readTree(readOnly.body()).path("error").path("message").asText())
                .contains("cannot write the next key beside " + keyFile).contains("nothing was rotated");
        assertThat(fx.recorder.publicKeyBase64()).isEqualTo(oldKey);

        Files.delete(blocked.resolve("in-the-way"));
        Files.delete(blocked);
        HttpResponse<String> rotated = fx.send("POST", ROUTE, null, AdminFixture.ADMIN_TOKEN);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        JsonNode answer = new ObjectMapper().readTree(rotated.body());
        assertThat(answer.path("old_key_id").asText()).isEqualTo(SigningKeys.keyIdOf(SigningKeys.parsePublicKey(oldKey)));
        assertThat(answer.path("public_key").asText()).isEqualTo(fx.recorder.publicKeyBase64()).isNotEqualTo(oldKey);
        assertThat(answer.path("announcement").path("key_id").asText()).isEqualTo(answer.path("old_key_id").asText());
        assertThat(answer.path("announcement").path("next_key").asText()).isEqualTo(answer.path("public_key").asText());
        assertThat(SigningKeys.loadOrCreateFile(keyFile).keyId()).isEqualTo(answer.path("key_id").asText());
        assertThat(fx.adminJson("/v1/admin/heads").path("keys").has(answer.path("key_id").asText())).isTrue();
    }
}
