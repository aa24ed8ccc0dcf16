package dev.tally.gateway.organization;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Path;

/** The OpenAI-compatible Usage and Costs API on the embedded SQLite store. */
class SqliteOrganizationApiTest extends OrganizationApiContract {

    @Override
    protected AuditStore newStore(Path dir) {
        return SqliteAuditStore.open(dir.resolve("tally.db"));
    }
}
