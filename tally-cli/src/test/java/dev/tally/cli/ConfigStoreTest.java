package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import dev.tally.audit.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --config tally.yaml} makes the reading and key commands work on the store the file names:
 * the same log seeded into a SQLite data directory and into an embedded PostgreSQL database
 * prints the same through {@code --data} and through {@code --config}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConfigStoreTest {

    @TempDir
    Path dir;

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private String database;
    private Path sqlite;
    private Path config;

    @BeforeEach
    void seedBothStores() throws Exception {
        database = server.newDatabase();
        sqlite = dir.resolve("sqlite");
        SeededStore.write(sqlite);
        try (PostgresAuditStore store = openPostgres()) {
            SeededStore.write(Files.createDirectories(dir.resolve("pg-recorder")), store);
        }
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

    private PostgresAuditStore openPostgres() {
        return PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null));
    }

    /** {@code tally args... --config tally.yaml} with the login role in the environment, as a deployment would. */
    private CliRun onPostgres(String... args) {
        return CliRun.withEnvironment(Map.of("PG_USER", server.user()), with(args, "--config", config.toString()));
    }

    private CliRun onSqlite(String... args) {
        return CliRun.of(with(args, "--data", sqlite.toString()));
    }

    private static String[] with(String[] args, String option, String value) {
        String[] full = java.util.Arrays.copyOf(args, args.length + 2);
        full[args.length] = option;
        full[args.length + 1] = value;
        return full;
    }

    @Test
    void readingCommandsPrintTheSameFromPostgresThroughConfigAsFromSqliteThroughData() {
        for (List<String> command : List.of(
                List.of("logs"), List.of("logs", "--json"), List.of("logs", "--key", "team-b", "--json"),
                List.of("logs", "--tag", "tier=pro"),
                List.of("usage", "--by", "model"), List.of("usage", "--by", "key", "--json"),
                List.of("usage", "--by", "user,model", "--since", "2026-03-02T00:00:00Z"),
                List.of("events"), List.of("events", "--type", "auth_failure", "--json"),
                List.of("export"), List.of("export", "--format", "csv"),
                List.of("keys", "list"), List.of("keys", "list", "--json"))) {
            String[] args = command.toArray(String[]::new);
            CliRun fromSqlite = onSqlite(args);
            CliRun fromPostgres = onPostgres(args);
            assertThat(fromSqlite.exitCode()).as("%s on sqlite: %s", command, fromSqlite.err()).isZero();
            assertThat(fromPostgres.exitCode()).as("%s on postgres: %s", command, fromPostgres.err()).isZero();
            assertThat(fromPostgres.out()).as("%s", command).isNotBlank().isEqualTo(fromSqlite.out());
        }
    }

    @Test
    void oneRecordsDetailNamesItsKeptPayloadOnEitherStore() {
        CliRun list = onPostgres("logs", "--model", "claude-sonnet", "--json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        String callId = list.out().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        CliRun detail = onPostgres("logs", "--id", callId);
        assertThat(detail.exitCode()).as(detail.err()).isZero();
        assertThat(detail.out()).contains(SeededStore.RESPONSE.lines().findFirst().orElseThrow())
                .isEqualTo(onSqlite("logs", "--id", callId).out());
    }

    @Test
    void verifyReadsEveryChainOfThePostgresStoreAndNamesIt() {
        CliRun run = onPostgres("verify");
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(TallyCommand.OK);
        assertThat(run.out()).contains(server.storeUrl(database)).contains(SeededStore.CHAIN);

        CliRun deep = onPostgres("verify", "--deep", "--json");
        assertThat(deep.exitCode()).as(deep.out() + deep.err()).isEqualTo(TallyCommand.OK);
        assertThat(deep.out()).contains("\"ok\":true");
    }

    @Test
    void keysAreCreatedAndRevokedInThePostgresStoreOnTheCommandsOwnChain() throws IOException {
        Path data = Files.createDirectories(dir.resolve("cli-data"));
        CliRun created = CliRun.withEnvironment(Map.of("PG_USER", server.user()),
                "keys", "create", "--name", "ci-bot", "--config", config.toString(), "--data", data.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        // a second host (its own --data) changing keys on the same shared store writes its own chain
        Path other = Files.createDirectories(dir.resolve("other-host-data"));
        CliRun revoked = onPostgres("keys", "revoke", "ci-bot", "--data", other.toString());
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();

        String first = Files.readString(data.resolve("cli/instance-id")).strip();
        String second = Files.readString(other.resolve("cli/instance-id")).strip();
        assertThat(first).matches("cli-.+-[0-9a-f]{8}").isNotEqualTo(second);
        try (PostgresAuditStore store = openPostgres()) {
            VirtualKey key = store.keyByName("ci-bot").orElseThrow();
            assertThat(key.revokedAt()).isNotNull();
            assertThat(store.chains()).contains(first, second, SeededStore.CHAIN);
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
        assertThat(onSqlite("keys", "list").out()).doesNotContain("ci-bot");
    }

    @Test
    void importWritesTheSharedPostgresStoreThroughConfigOnAChainOfItsHost() throws IOException {
        Path log = dir.resolve("relay.log");
        Files.writeString(log, """
                {"ts":1772445600000,"status":"success","model":"gpt-4o","backend":"openai","duration_ms":812,"input_tokens":120,"output_tokens":30,"cost_usd":0.0006}
                {"ts":1772445660000,"status":"error","model":"gpt-4o","backend":"openai","duration_ms":90,"error":"upstream 500"}
                """);
        Path data = Files.createDirectories(dir.resolve("import-data"));

        CliRun run = onPostgres("import", log.toString(), "--data", data.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String chain = Files.readString(data.resolve("import/instance-id")).strip();
        assertThat(chain).matches("import-.+-[0-9a-f]{8}");
        assertThat(run.out()).contains("imported 2 call records from relay.log", "chain " + chain);
        try (PostgresAuditStore store = openPostgres()) {
            assertThat(store.chains()).contains(chain, SeededStore.CHAIN);
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
        assertThat(dir.resolve("import-data/tally.db")).doesNotExist();
    }

    @Test
    void aProviderKeyThatIsNotSetOnThisHostDoesNotStopAReadingCommand() throws IOException {
        Path withProviders = dir.resolve("full.yaml");
        Files.writeString(withProviders, Files.readString(config) + """
                providers:
                  - name: openai
                    kind: openai
                    api_key: ${TALLY_TEST_UNSET_PROVIDER_KEY}
                alerts:
                  url: http://127.0.0.1:9/hook
                  secret: ${TALLY_TEST_UNSET_ALERT_SECRET}
                """);

        CliRun logs = CliRun.withEnvironment(Map.of("PG_USER", server.user()),
                "logs", "--model", "claude-sonnet", "--json", "--config", withProviders.toString());
        CliRun unsetStoreUser = CliRun.of("logs", "--config", withProviders.toString());

        assertThat(logs.exitCode()).as(logs.err()).isZero();
        assertThat(logs.out()).isEqualTo(onSqlite("logs", "--model", "claude-sonnet", "--json").out());
        assertThat(unsetStoreUser.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(unsetStoreUser.err()).contains("store.user: '${PG_USER}' is not set");
    }

    @Test
    void configMistakesAreNamed() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        Files.writeString(missing, "store: {url: \"sqlite:" + dir.resolve("nowhere/tally.db") + "\"}\n");
        CliRun noFile = CliRun.of("logs", "--config", missing.toString());
        assertThat(noFile.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(noFile.err()).contains("store.url 'sqlite:" + dir.resolve("nowhere/tally.db") + "' names no file");
        assertThat(dir.resolve("nowhere")).doesNotExist();

        CliRun withUrl = CliRun.of("usage", "--config", config.toString(), "--url", "http://127.0.0.1:1");
        assertThat(withUrl.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(withUrl.err()).contains("--config and --url cannot be used together");

        CliRun badYaml = CliRun.of("events", "--config", dir.resolve("absent.yaml").toString());
        assertThat(badYaml.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(badYaml.err()).contains("config: --config: '" + dir.resolve("absent.yaml") + "'");
    }
}
