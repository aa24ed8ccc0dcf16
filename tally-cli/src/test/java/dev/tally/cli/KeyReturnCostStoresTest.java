package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.json.Json;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.keys.KeySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's {@code return_cost} is stored with the key in both stores (inside its tags column, under
 * a name no tag can have), read back by the gateway's {@link KeySettings#returnsCost}, and never
 * shown among the tags: set and cleared through {@code tally keys}, on SQLite and on PostgreSQL.
 */
class KeyReturnCostStoresTest {

    @TempDir
    Path dir;

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private String database;
    private Path config;

    @BeforeEach
    void configure() throws Exception {
        database = server.newDatabase();
        config = dir.resolve("tally.yaml");
        Files.writeString(config, """
                store:
                  url: "%s"
                  user: "${PG_USER}"
                """.formatted(server.storeUrl(database)));
    }

    @AfterEach
    void drop() {
        server.dropDatabase(database);
    }

    @Test
    void sqlite() throws Exception {
        Path data = dir.resolve("data");
        roundTrip(args -> CliRun.of(with(args, "--data", data.toString())),
                () -> SqliteAuditStore.open(data.resolve("tally.db")));
    }

    @Test
    void postgres() throws Exception {
        Path data = dir.resolve("pg-data"); // the cli chain's journal and signing key; the records go to PostgreSQL
        roundTrip(args -> CliRun.withEnvironment(Map.of("PG_USER", server.user()),
                with(with(args, "--config", config.toString()), "--data", data.toString())),
                () -> PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null)));
    }

    private static void roundTrip(Function<String[], CliRun> tally, Supplier<AuditStore> store) throws Exception {
        CliRun created = tally.apply(new String[] {"keys", "create", "--name", "quiet", "--no-return-cost", "--tag", "team=ml"});
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(stored(store)).satisfies(k -> {
            assertThat(KeySettings.returnsCost(k)).isFalse();
            assertThat(KeySettings.visibleTags(k)).isEqualTo(Map.of("team", "ml"));
        });
        JsonNode listed = Json.mapper().readTree(tally.apply(new String[] {"keys", "list", "--json"}).out()).get(0);
        assertThat(listed.get("return_cost").asBoolean()).isFalse();
        assertThat(listed.get("tags").toString()).isEqualTo("{\"team\":\"ml\"}");

        CliRun updated = tally.apply(new String[] {"keys", "update", "quiet", "--return-cost"});
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        assertThat(stored(store)).satisfies(k -> {
            assertThat(KeySettings.returnsCost(k)).isTrue();
            assertThat(k.tags()).isEqualTo(Map.of("team", "ml")); // nothing left of the setting once it is back on
        });
    }

    private static VirtualKey stored(Supplier<AuditStore> open) {
        try (AuditStore store = open.get()) {
            return store.keyByName("quiet").orElseThrow();
        }
    }

    private static String[] with(String[] args, String option, String value) {
        String[] out = new String[args.length + 1];
        System.arraycopy(args, 0, out, 0, 2);
        out[2] = option + "=" + value;
        System.arraycopy(args, 2, out, 3, args.length - 2);
        return out;
    }
}
