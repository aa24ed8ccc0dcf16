package dev.tally.audit.store.postgres;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.UsageContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The usage contract on PostgreSQL with no call ever folded into the rollup tables: every report
 * is made of rollup rows that are not there yet plus the unfolded calls, and must be exact.
 */
class PostgresUnfoldedStoreTest extends UsageContract {

    private String database;

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            EmbeddedPostgresServer.shared().dropDatabase(database);
        }
    }

    @Override
    protected AuditStore newStore() {
        database = EmbeddedPostgresServer.shared().newDatabase(PostgresAuditStoreTest.template());
        return FoldingStores.neverFolding(database);
    }
}
