package dev.tally.audit.store.postgres;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.AuditStoreContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The whole store contract (entries, keys, admin changes, queries, usage, payloads) on a real
 * PostgreSQL server: one embedded server for the test JVM, a new database per test (a copy of
 * one migrated by the store once; every open still runs Flyway's check).
 */
class PostgresAuditStoreTest extends AuditStoreContract {

    private String database;

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            EmbeddedPostgresServer.shared().dropDatabase(database);
        }
    }

    /** A database migrated once, copied for every test: each starts from the schema, not from nothing. */
    private static String template;

    static synchronized String template() {
        if (template == null) {
            EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
            String db = server.newDatabase();
            PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(db), server.user(), null)).close();
            template = db;
        }
        return template;
    }

    @Override
    protected AuditStore newStore() {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        String db = server.newDatabase(template());
        database = db;
        return PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(db), server.user(), null));
    }
}
