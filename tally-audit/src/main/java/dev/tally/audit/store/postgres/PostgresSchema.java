package dev.tally.audit.store.postgres;

import dev.tally.audit.store.StoreException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Brings a database to the schema this code knows, with Flyway: versioned scripts
 * {@code db/postgres/V<n>__*.sql}, history in {@code flyway_schema_history}. Flyway holds a
 * PostgreSQL advisory lock while migrating, so instances starting together migrate once.
 *
 * <p>A database that has a version newer than {@link #CURRENT_VERSION} applied (written by a
 * newer Tally) is refused before anything is changed: Flyway alone would only ignore such
 * "future" migrations, and this code would then write a schema it does not understand.
 */
final class PostgresSchema {

    /** The newest schema version this code reads and writes. */
    static final int CURRENT_VERSION = 8;

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

    private PostgresSchema() {
    }

    /**
     * Migrates {@code dataSource}'s database; returns when it is at {@link #CURRENT_VERSION}.
     *
     * @throws StoreException when the database is newer than this code or a migration fails
     */
    static void migrate(DataSource dataSource, String where) {
        Flyway flyway = Flyway.configure(PostgresSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/postgres")
                .cleanDisabled(true)
                .load();
        try {
            refuseNewer(flyway, where);
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("postgresql: schema migration of " + where + " failed: " + e.getMessage(), e);
        }
    }

    private static void refuseNewer(Flyway flyway, String where) {
        MigrationVersion known = MigrationVersion.fromVersion(Integer.toString(CURRENT_VERSION));
        for (MigrationInfo applied : flyway.info().applied()) {
            boolean future = applied.getState() == MigrationState.FUTURE_SUCCESS
                    || applied.getState() == MigrationState.FUTURE_FAILED
                    || (applied.getVersion() != null && applied.getVersion().compareTo(known) > 0);
            if (future) {
                throw new StoreException("postgresql: " + where + " has schema version " + applied.getVersion()
                        + " (expected: at most " + CURRENT_VERSION
                        + "); it was written by a newer Tally, upgrade to open it");
            }
        }
    }
}
