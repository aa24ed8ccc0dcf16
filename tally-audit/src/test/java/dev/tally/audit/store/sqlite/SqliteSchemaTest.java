package dev.tally.audit.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite schema under Flyway: history kept, newer databases refused, older ones baselined. */
class SqliteSchemaTest {

    @TempDir
    Path dir;

    private final Entries entries = new Entries();

    @Test
    void aNewDatabaseRecordsEveryMigrationInFlywaysHistory() throws Exception {
        SqliteAuditStore.open(dir.resolve("tally.db")).close();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("1");
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("2");
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("5"); // the budget-alert outbox (3 and 4 are PostgreSQL's)
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("7"); // cost adjustments (6 is the price tables')
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.next()).isFalse();
        }
        SqliteAuditStore.open(dir.resolve("tally.db")).close(); // a second open changes nothing
    }

    @Test
    void aDatabaseAlreadyCurrentIsOpenedWithoutStartingFlyway() throws Exception {
        Path db = dir.resolve("tally.db");
        assertThat(flywayLines(() -> SqliteAuditStore.open(db).close())).as("the first open migrates with Flyway")
                .isNotEmpty();

        assertThat(flywayLines(() -> {
            try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
                new TestChain(store, "gw-1").append(entries.call(Entries.T0).build());
            }
        })).as("a current database is opened without Flyway").isEmpty();
    }

    @Test
    void aFailedMigrationInTheHistoryIsLeftToFlyway() throws Exception {
        Path db = dir.resolve("tally.db");
        SqliteAuditStore.open(db).close();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE flyway_schema_history SET success = 0 WHERE version = '2'");
        }

        assertThat(flywayLines(() -> {
            try {
                SqliteAuditStore.open(db).close();
            } catch (StoreException refused) {
                // whatever Flyway decides, it is Flyway that decides
            }
        })).isNotEmpty();
    }

    /**
     * The lines Flyway logs while {@code action} runs: Flyway reports each run on its JUL logger at
     * INFO, so a run that leaves no line did not happen.
     */
    private static java.util.List<String> flywayLines(Runnable action) {
        java.util.logging.Logger flyway = java.util.logging.Logger.getLogger("org.flywaydb");
        java.util.logging.Level before = flyway.getLevel();
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler probe = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord entry) {
                lines.add(entry.getLoggerName() + ": " + entry.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        flyway.setLevel(java.util.logging.Level.INFO);
        flyway.addHandler(probe);
        try {
            action.run();
        } finally {
            flyway.removeHandler(probe);
            flyway.setLevel(before);
        }
        return lines;
    }

    @Test
    void aDatabaseMigratedByANewerTallyIsRefusedWithBothVersions() throws Exception {
        SqliteAuditStore.open(dir.resolve("tally.db")).close();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                    + "checksum, installed_by, execution_time, success) "
                    + "VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, 'tally', 1, 1)");
        }
        assertThatThrownBy(() -> SqliteAuditStore.open(dir.resolve("tally.db"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("expected: at most " + SqliteSchema.CURRENT_VERSION)
                .hasMessageContaining("newer Tally");
    }

    @Test
    void aDatabaseFromBeforeFlywayIsBaselinedAndKeepsItsEntries() throws Exception {
        // The schema as Tally made it before migrations were versioned: tables and user_version 1, no history.
        Path db = dir.resolve("tally.db");
        CallRecord call = entries.call(Entries.T0).build();
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            new TestChain(store, "gw-1").append(call);
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE flyway_schema_history");
        }
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            assertThat(store.entry(call.id())).isPresent();
        }
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, type FROM flyway_schema_history")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(Integer.toString(SqliteSchema.CURRENT_VERSION));
            assertThat(rs.getString(2)).isEqualTo("BASELINE");
        }
    }

    @Test
    void theMigrationScriptsSetUserVersionSoOlderBuildsRefuseNewerFiles() throws Exception {
        String script = new String(getClass().getClassLoader().getResourceAsStream("db/sqlite/V1__init.sql")
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script).contains("PRAGMA user_version = 1;");
        String v2 = new String(getClass().getClassLoader().getResourceAsStream("db/sqlite/V2__merkle_heads.sql")
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(v2).contains("PRAGMA user_version = 2;");
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
    }
}
