package dev.tally.audit.store.postgres;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.IntegrityContract;
import org.junit.jupiter.api.AfterEach;

/** Signed heads, proofs and the attacks on them, on a real PostgreSQL server (a database per test). */
class PostgresIntegrityTest extends IntegrityContract {

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
        database = server.newDatabase(PostgresAuditStoreTest.template());
        return PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null));
    }
}
