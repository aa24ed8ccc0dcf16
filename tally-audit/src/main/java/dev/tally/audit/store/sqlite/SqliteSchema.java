package dev.tally.audit.store.sqlite;

import dev.tally.audit.store.StoreException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Brings a database to the schema this code knows, with Flyway: versioned scripts
 * {@code db/sqlite/V<n>__*.sql}, history in {@code flyway_schema_history}. Each script also sets
 * {@code PRAGMA user_version} to its version, which Tally builds from before Flyway read, so they
 * too refuse a newer file.
 *
 * <p>Refused before anything is changed: a database with a version newer than
 * {@link #CURRENT_VERSION} (in Flyway's history or in {@code user_version}), and a file that has
 * tables but is not a Tally database. A database made by a Tally from before Flyway (tables,
 * {@code user_version} 1, no history) is baselined at version 1. Two processes opening one new
 * file at once: the loser's migration fails on the winner's tables, and is accepted once the
 * file is found at the current version.
 *
 * <p>A database already at {@link #CURRENT_VERSION} ({@code user_version} and Flyway's history
 * agree, no failed or newer migration recorded) is opened without starting Flyway at all: two
 * small queries instead of Flyway's set-up, which most opens would pay for nothing.
 */
final class SqliteSchema {

    /** The newest schema version this code reads and writes. */
    static final int CURRENT_VERSION = 7;

    /**
     * Flyway reports every check at INFO (several lines per open, also for every CLI command);
     * only its warnings are worth a line. Held here so the level is not lost with the logger. A
     * level set by the user's logging configuration wins.
     */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    static {
        if (FLYWAY_LOG.getLevel() == null) {
            FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private SqliteSchema() {
    }

    /**
     * Migrates {@code connection}'s database (Flyway runs on this very connection); returns when
     * it is at {@link #CURRENT_VERSION}.
     *
     * @throws StoreException when the database is newer than this code, or not a Tally database
     */
    static void migrate(Connection connection, String file) throws SQLException {
        int userVersion = userVersion(connection);
        boolean history = hasTable(connection, "flyway_schema_history");
        if (userVersion > CURRENT_VERSION) {
            throw newer(file, Integer.toString(userVersion));
        }
        if (userVersion == 0 && !history && hasTables(connection)) {
            throw new StoreException("sqlite: " + file + " has tables but schema version 0 (expected: a "
                    + "Tally database or an empty file)");
        }
        if (userVersion == CURRENT_VERSION && history && historyIsCurrent(connection)) {
            // Nothing to migrate: skip Flyway, whose set-up (some 400 classes, a classpath scan
            // for scripts) was the largest single cost of opening a store, paid by every CLI
            // command and every gateway start. What is given up is Flyway's checksum check of
            // scripts already applied, which guards against editing a released script.
            return;
        }
        Flyway flyway = Flyway.configure(SqliteSchema.class.getClassLoader())
                .dataSource(new OneConnection(connection))
                .locations("classpath:db/sqlite")
                .baselineOnMigrate(true)
                // A file made before Flyway is at the version its user_version says (1 for every real one).
                .baselineVersion(Integer.toString(Math.max(1, userVersion)))
                .baselineDescription("schema made before migrations were versioned by Flyway")
                .cleanDisabled(true)
                .load();
        try {
            refuseNewer(flyway, file);
            flyway.migrate();
        } catch (FlywayException e) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            MigrationInfo current = flyway.info().current();
            boolean raceLost = current != null && current.getVersion() != null
                    && current.getVersion().equals(MigrationVersion.fromVersion(Integer.toString(CURRENT_VERSION)));
            if (!raceLost) {
                throw new StoreException("sqlite: schema migration of " + file + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static void refuseNewer(Flyway flyway, String file) {
        MigrationVersion known = MigrationVersion.fromVersion(Integer.toString(CURRENT_VERSION));
        for (MigrationInfo applied : flyway.info().applied()) {
            boolean future = applied.getState() == MigrationState.FUTURE_SUCCESS
                    || applied.getState() == MigrationState.FUTURE_FAILED
                    || (applied.getVersion() != null && applied.getVersion().compareTo(known) > 0);
            if (future) {
                throw newer(file, String.valueOf(applied.getVersion()));
            }
        }
    }

    private static StoreException newer(String file, String version) {
        return new StoreException("sqlite: " + file + " has schema version " + version + " (expected: at most "
                + CURRENT_VERSION + "); it was written by a newer Tally, upgrade to open it");
    }

    /**
     * Whether Flyway's history says every migration up to {@link #CURRENT_VERSION} succeeded and
     * none newer or failed is recorded (versions are whole numbers, stored as text).
     */
    private static boolean historyIsCurrent(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE success = 0 OR CAST(version AS INTEGER) > "
                        + CURRENT_VERSION + "), max(CASE WHEN success = 1 THEN CAST(version AS INTEGER) END) "
                        + "FROM flyway_schema_history WHERE version IS NOT NULL")) {
            return rs.next() && rs.getInt(1) == 0 && rs.getInt(2) == CURRENT_VERSION;
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

    private static boolean hasTable(Connection connection, String name) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '"
                        + name + "'")) { // a constant name, never input
            return rs.next() && rs.getInt(1) > 0;
        }
    }

    /**
     * Hands Flyway the store's writer connection and keeps it open when Flyway closes it, so the
     * migration runs on the connection that then writes (no second connection waiting on the
     * first one's lock).
     */
    private record OneConnection(Connection connection) implements DataSource {

        @Override
        public Connection getConnection() {
            return (Connection) Proxy.newProxyInstance(SqliteSchema.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        if (method.getName().equals("isClosed")) {
                            return false;
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // Flyway logs through its own logger.
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // The connection is already open.
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException("no parent logger");
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper of " + type.getName());
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
