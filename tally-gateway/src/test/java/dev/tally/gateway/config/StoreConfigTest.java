package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The store and instance keys: a PostgreSQL store with its login, and the instance id. */
class StoreConfigTest {

    private static final Path DATA = Path.of("./data");

    @Test
    void aPostgresStoreTakesItsLoginFromTheFileBeforeTheEnvironment() {
        GatewayConfig c = ConfigLoader.parse("""
                store:
                  url: postgresql://db.internal:5433/tally
                  user: tally_app
                  password: s3cret-from-file
                """, DATA, Map.of("TALLY_STORE_USER", "env-user", "TALLY_STORE_PASSWORD", "env-pass"));

        assertThat(c.store().postgres()).isTrue();
        assertThat(c.store().url()).isEqualTo("postgresql://db.internal:5433/tally");
        assertThat(c.store().user()).contains("tally_app");
        assertThat(c.store().password()).map(Secret::reveal).contains("s3cret-from-file");
        assertThat(c.toString()).doesNotContain("s3cret-from-file");
    }

    @Test
    void withoutLoginKeysThePostgresStoreReadsTallyStoreUserAndPassword() {
        GatewayConfig c = ConfigLoader.parse("store: {url: 'postgresql://localhost/tally'}", DATA,
                Map.of("TALLY_STORE_USER", "env-user", "TALLY_STORE_PASSWORD", "env-pass"));

        assertThat(c.store().user()).contains("env-user");
        assertThat(c.store().password()).map(Secret::reveal).contains("env-pass");
        assertThat(c.store().toString()).doesNotContain("env-pass");
    }

    @Test
    void aSqliteStoreHasNoLogin() {
        GatewayConfig c = ConfigLoader.parse("", DATA, Map.of("TALLY_STORE_USER", "u", "TALLY_STORE_PASSWORD", "p"));
        assertThat(c.store()).isEqualTo(new GatewayConfig.Store("sqlite:./data/tally.db"));
        assertThat(c.store().postgres()).isFalse();

        assertThatThrownBy(() -> ConfigLoader.parse("store: {url: 'sqlite:/x.db', user: u}", DATA, Map.of()))
                .hasMessageStartingWith("store.user: set (expected: only with a postgresql:// store.url)");
    }

    @Test
    void badPostgresUrlsNameTheKeyTheValueAndTheForm() {
        assertThatThrownBy(() -> ConfigLoader.parse("store: {url: 'postgresql://hostonly'}", DATA, Map.of()))
                .hasMessageStartingWith("store.url: 'postgresql://hostonly' (expected: postgresql://host[:port]/database)");
        assertThatThrownBy(() -> ConfigLoader.parse("store: {url: 'postgresql://me:pw@h/db'}", DATA, Map.of()))
                .hasMessageStartingWith("store.url: user info in the URL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw@"));
        assertThatThrownBy(() -> ConfigLoader.parse("store: {url: 'mysql://h/db'}", DATA, Map.of()))
                .hasMessageStartingWith("store.url: 'mysql://h/db' (expected: sqlite:<path> or postgresql://");
    }

    @Test
    void theInstanceIdIsOptionalAndChecked() {
        assertThat(ConfigLoader.parse("", DATA, Map.of()).server().instanceId()).isEmpty();
        assertThat(ConfigLoader.parse("server: {instance_id: gw-eu-1}", DATA, Map.of()).server())
                .isEqualTo(new GatewayConfig.Server("0.0.0.0", 8080, Optional.of("gw-eu-1")));
        assertThatThrownBy(() -> ConfigLoader.parse("server: {instance_id: 'gw 1'}", DATA, Map.of()))
                .hasMessageStartingWith("server.instance_id: 'gw 1' (expected: 1-64 characters of A-Z a-z 0-9 . _ -)");
    }
}
