package dev.tally.audit.store.sqlite;

import dev.tally.audit.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the schema of an empty database and refuses databases written by a newer Tally.
 * The version lives in {@code PRAGMA user_version}; the DDL of each version is a resource
 * {@code db/sqlite/V<n>__*.sql}, the layout a migration tool expects.
 */
final class SqliteSchema {

    /** The schema version this code reads and writes. */
    static final int CURRENT_VERSION = 1;

    private static final String[] SCRIPTS = {"db/sqlite/V1__init.sql"};

    private SqliteSchema() {
    }

    /**
     * Brings {@code connection}'s database to {@link #CURRENT_VERSION}, in one transaction.
     *
     * @throws StoreException when the database is newer than this code, or not a Tally database
     */
    static void migrate(Connection connection, String file) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // Take the write lock before reading the version, so two processes opening one new
            // file cannot both decide to create the schema.
            statement.execute("BEGIN IMMEDIATE");
            try {
                int version = userVersion(connection);
                if (version > CURRENT_VERSION) {
                    throw new StoreException("sqlite: " + file + " has schema version " + version
                            + " (expected: at most " + CURRENT_VERSION
                            + "); it was written by a newer Tally, upgrade to open it");
                }
                if (version == 0 && hasTables(connection)) {
                    throw new StoreException("sqlite: " + file + " has tables but schema version 0 (expected: a "
                            + "Tally database or an empty file)");
                }
                for (int v = version + 1; v <= CURRENT_VERSION; v++) {
                    for (String sql : statements(SCRIPTS[v - 1])) {
                        statement.execute(sql);
                    }
                }
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
    }

    static int userVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean hasTables(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }

    /** The script's statements: split at a semicolon ending a line, comment lines dropped. */
    static java.util.List<String> statements(String resource) {
        String text;
        try (InputStream in = SqliteSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("schema resource unreadable: " + resource, e);
        }
        java.util.List<String> result = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                result.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            result.add(current.toString().strip());
        }
        return result;
    }
}
