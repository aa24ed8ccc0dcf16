package dev.tally.audit.alert;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link BudgetAlertContract} on a real SQLite file. */
class SqliteBudgetAlertTest extends BudgetAlertContract {

    @TempDir
    Path dir;

    @Override
    protected AuditStore newStore() {
        return SqliteAuditStore.open(dir.resolve("tally.db"));
    }
}
