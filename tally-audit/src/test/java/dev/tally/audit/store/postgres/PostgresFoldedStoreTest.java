package dev.tally.audit.store.postgres;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.UsageContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The usage contract on PostgreSQL with every call folded into the rollup tables as soon as its
 * batch commits: every report reads the rollup rows alone (no unfolded call is left).
 */
class PostgresFoldedStoreTest extends UsageContract {

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
        return FoldingStores.foldingAfterEachCommit(FoldingStores.neverFolding(database));
    }
}
