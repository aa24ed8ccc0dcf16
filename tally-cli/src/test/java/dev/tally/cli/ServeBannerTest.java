package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines {@code serve} prints at start: where, which data, which store and providers, and never a secret. */
class ServeBannerTest {

    private static final String PROVIDER_KEY = "sk-banner-provider-secret-0a1b2c";
    private static final String DB_PASSWORD = "pg-banner-password-9z8y";

    @Test
    void namesTheUrlsTheDataTheStoreAndEveryProviderWithSecretsMasked() {
        GatewayConfig settings = ConfigLoader.parse("""
                server: {host: 0.0.0.0, port: 8080}
                store: {url: "postgresql://db.internal:5432/tally", user: tally, password: "${DB_PASSWORD}"}
                providers:
                  - {name: openai, kind: openai, api_key: "${OPENAI_KEY}"}
                  - {name: claude, kind: anthropic, base_url: "https://proxy.example.com", api_key: "${OPENAI_KEY}"}
                models:
                  gpt-4o: {provider: openai}
                  sonnet: {provider: claude}
                """, Path.of("/srv/tally/data"), Map.of("OPENAI_KEY", PROVIDER_KEY, "DB_PASSWORD", DB_PASSWORD));

        List<String> lines = ServeBanner.lines(settings, 8080, "gw-test-1", Path.of("/srv/tally/data"));

        assertThat(lines).containsExactly(
                "tally listening on http://0.0.0.0:8080 (audit: async, chain: gw-test-1)",
                "  dashboard  http://localhost:8080/dashboard",
                "  data       /srv/tally/data",
                "  store      postgresql://db.internal:5432/tally (user tally, password ****)",
                "  provider   openai (openai) https://api.openai.com/v1, api key ****",
                "  provider   claude (anthropic) https://proxy.example.com, api key ****",
                "  models     gpt-4o, sonnet");
        assertThat(String.join("\n", lines)).doesNotContain(PROVIDER_KEY).doesNotContain(DB_PASSWORD);
    }

    @Test
    void withoutProvidersItSaysHowToAddOne() {
        GatewayConfig settings = ConfigLoader.parse("server: {host: 127.0.0.1}\n", Path.of("data"), Map.of());

        List<String> lines = ServeBanner.lines(settings, 9000, "gw-x", Path.of("data"));

        assertThat(lines.get(1)).isEqualTo("  dashboard  http://127.0.0.1:9000/dashboard");
        assertThat(lines.get(3)).isEqualTo("  store      sqlite:" + Path.of("data/tally.db").toAbsolutePath().normalize());
        assertThat(lines).contains("  providers  none (set OPENAI_API_KEY or ANTHROPIC_API_KEY, or list them under providers)",
                "  models     any name, passed through");
    }
}
