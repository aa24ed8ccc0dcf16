package dev.tally.audit.store.postgres;

import dev.tally.audit.alert.BudgetAlertContract;
import dev.tally.audit.store.AuditStore;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link BudgetAlertContract} on PostgreSQL with no call ever folded into the rollups: the
 * spend a commit crosses a threshold with is read from the unfolded calls alone.
 */
class PostgresUnfoldedBudgetAlertTest extends BudgetAlertContract {

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
