package dev.tally.audit.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.files.PrivateFiles;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new store copied from the template is the store Flyway makes; a template that cannot serve is ignored. */
class SqliteTemplateTest {

    @TempDir
    Path dir;

    private final Entries entries = new Entries();

    @Test
    void theTemplateIsWhatFlywayMakesForANewStore() throws Exception {
        Path template = dir.resolve("store-template.db");
        SqliteTemplate.make(template);
        Path byFlyway = dir.resolve("flyway.db");
        SqliteAuditStore.open(byFlyway).close();

        assertThat(Files.exists(dir.resolve("store-template.db-wal"))).as("one self-contained file").isFalse();
        assertThat(schema(template)).isEqualTo(schema(byFlyway)).isNotEmpty();
        assertThat(history(template)).isEqualTo(history(byFlyway)).hasSize(4);
        assertThat(userVersion(template)).isEqualTo(userVersion(byFlyway)).isEqualTo(SqliteSchema.CURRENT_VERSION);
    }

    @Test
    void aNewStoreStartsAsACopyOfTheTemplateAndIsOpenedWithoutFlyway() throws Exception {
        Path template = dir.resolve("store-template.db");
        SqliteTemplate.make(template);
        Path db = dir.resolve("data").resolve("tally.db");
        Files.createDirectories(db.getParent());

        assertThat(SqliteTemplate.placeIfNew(db, template.toString())).isTrue();
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            new TestChain(store, "gw-1").append(entries.call(Entries.T0).build());
        }

        assertThat(schema(db)).isEqualTo(schema(template));
        assertThat(history(db)).isEqualTo(history(template));
        if (Files.getFileStore(db).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(db)).isEqualTo(PrivateFiles.FILE);
        }
        try (var left = Files.list(db.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no partial copy left behind")
                    .noneMatch(name -> name.contains(".template-"));
        }
    }

    @Test
    void anExistingStoreIsNeverReplaced() throws Exception {
        Path template = dir.resolve("store-template.db");
        SqliteTemplate.make(template);
        Path db = dir.resolve("tally.db");
        Files.writeString(db, "");

        assertThat(SqliteTemplate.placeIfNew(db, template.toString())).isFalse();
        assertThat(Files.size(db)).isZero();
    }

    @Test
    void aTemplateThatIsNotASqliteFileOrIsMissingIsIgnoredAndFlywayCreatesTheSchema() throws Exception {
        Path garbage = dir.resolve("garbage.db");
        Files.writeString(garbage, "not a database".repeat(20), StandardCharsets.UTF_8);
        Path db = dir.resolve("tally.db");

        assertThat(SqliteTemplate.placeIfNew(db, garbage.toString())).isFalse();
        assertThat(SqliteTemplate.placeIfNew(db, dir.resolve("missing.db").toString())).isFalse();
        assertThat(SqliteTemplate.placeIfNew(db, null)).isFalse();
        assertThat(Files.exists(db)).isFalse();
        SqliteAuditStore.open(db).close();
        assertThat(history(db)).hasSize(4);
    }

    @Test
    void aTemplateOfAnOlderSchemaIsMigratedByFlywayOnOpen() throws Exception {
        Path old = dir.resolve("old-template.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old)) {
            Flyway.configure(SqliteSchema.class.getClassLoader()).dataSource("jdbc:sqlite:" + old, null, null)
                    .locations("classpath:db/sqlite").target("2").load().migrate();
        }
        assertThat(userVersion(old)).isEqualTo(2);
        Path db = dir.resolve("tally.db");

        assertThat(SqliteTemplate.placeIfNew(db, old.toString())).isTrue();
        SqliteAuditStore.open(db).close();

        Path byFlyway = dir.resolve("flyway.db");
        SqliteAuditStore.open(byFlyway).close();
        assertThat(userVersion(db)).isEqualTo(SqliteSchema.CURRENT_VERSION);
        assertThat(schema(db)).isEqualTo(schema(byFlyway));
        assertThat(history(db)).isEqualTo(history(byFlyway));
    }

    @Test
    void aTemplateOfANewerSchemaIsIgnored() throws Exception {
        Path newer = dir.resolve("newer.db");
        SqliteTemplate.make(newer);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + newer); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (SqliteSchema.CURRENT_VERSION + 1));
        }

        assertThat(SqliteTemplate.placeIfNew(dir.resolve("tally.db"), newer.toString())).isFalse();
    }

    /** Every table, index and trigger with its SQL, in name order. */
    private static List<String> schema(Path db) throws SQLException {
        return rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
    }

    /** Flyway's history without when each step ran and how long it took. */
    private static List<String> history(Path db) throws SQLException {
        return rows(db, "SELECT installed_rank, version, description, type, script, checksum, installed_by, success "
                + "FROM flyway_schema_history ORDER BY installed_rank");
    }

    private static int userVersion(Path db) throws SQLException {
        return Integer.parseInt(rows(db, "PRAGMA user_version").getFirst());
    }

    private static List<String> rows(Path db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? " | " : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
