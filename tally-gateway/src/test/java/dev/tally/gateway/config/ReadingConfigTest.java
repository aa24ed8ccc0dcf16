package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config read for a store-reading command: secrets only a serving gateway uses may be unset. */
class ReadingConfigTest {

    private static final String YAML = """
            store: {url: "${STORE_URL}"}
            admin: {token: "${TALLY_ADMIN_TOKEN}"}
            providers:
              - name: openai
                kind: openai
                api_key: ${OPENAI_API_KEY}
            alerts:
              url: http://127.0.0.1:9/hook
              secret: ${TALLY_ALERT_SECRET}
            """;

    @TempDir
    Path dir;

    private Path file() throws Exception {
        Path file = dir.resolve("tally.yaml");
        Files.writeString(file, YAML);
        return file;
    }

    @Test
    void unsetProviderAlertAndAdminSecretsAreNoErrorForReading() throws Exception {
        GatewayConfig config = ConfigLoader.loadForReading(file(), dir, Map.of("STORE_URL", "sqlite:" + dir + "/tally.db"));

        assertThat(config.providers().get("openai").apiKey().reveal()).isEqualTo("(not set on this host: ${OPENAI_API_KEY})");
        assertThat(config.store().url()).isEqualTo("sqlite:" + dir + "/tally.db");
    }

    @Test
    void servingStillRefusesThemAndReadingStillNeedsTheStoreLogin() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(file(), dir, Map.of("STORE_URL", "sqlite:" + dir + "/tally.db")))
                .hasMessageContaining("admin.token: '${TALLY_ADMIN_TOKEN}' is not set");
        assertThatThrownBy(() -> ConfigLoader.loadForReading(file(), dir, Map.of()))
                .hasMessageContaining("store.url: '${STORE_URL}' is not set");
    }

    @Test
    void onlyTheSecretsOfServingAreMarkedUnneeded() {
        assertThat(ConfigLoader.secretNotNeededForReading("providers[3].api_key")).isTrue();
        assertThat(ConfigLoader.secretNotNeededForReading("alerts.secret")).isTrue();
        assertThat(ConfigLoader.secretNotNeededForReading("telemetry.otlp_headers.x-api-key")).isTrue();
        assertThat(ConfigLoader.secretNotNeededForReading("providers[3].base_url")).isFalse();
        assertThat(ConfigLoader.secretNotNeededForReading("store.password")).isFalse();
        assertThat(ConfigLoader.secretNotNeededForReading("admin.token")).isTrue();
        assertThat(ConfigLoader.secretNotNeededForReading("store.url")).isFalse();
    }
}
