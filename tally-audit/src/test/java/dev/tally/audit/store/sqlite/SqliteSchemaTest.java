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
            assertThat(rs.next()).isFalse();
        }
        SqliteAuditStore.open(dir.resolve("tally.db")).close(); // a second open changes nothing
    }

    @Test
    void aDatabaseMigratedByANewerTallyIsRefusedWithBothVersions() throws Exception {
        SqliteAuditStore.open(dir.resolve("tally.db")).close();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                    + "checksum, installed_by, execution_time, success) "
                    + "VALUES (99, '3', 'from the future', 'SQL', 'V3__future.sql', 0, 'tally', 1, 1)");
        }
        assertThatThrownBy(() -> SqliteAuditStore.open(dir.resolve("tally.db"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 3")
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
