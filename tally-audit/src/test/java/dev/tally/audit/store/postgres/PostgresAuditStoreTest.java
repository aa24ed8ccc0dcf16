package dev.tally.audit.store.postgres;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.AuditStoreContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The whole store contract (entries, keys, admin changes, queries, usage, payloads) on a real
 * PostgreSQL server: one embedded server for the test JVM, a new database per test.
 */
class PostgresAuditStoreTest extends AuditStoreContract {

    private String database;

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            EmbeddedPostgresServer.shared().dropDatabase(database);
        }
    }

    @Override
    protected AuditStore newStore() {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        String db = server.newDatabase();
        database = db;
        return PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(db), server.user(), null));
    }
}
