package dev.tally.gateway.organization;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/** The OpenAI-compatible Usage and Costs API on a real (embedded) PostgreSQL server, a database per test. */
class PostgresOrganizationApiTest extends OrganizationApiContract {

    private String database;

    @Override
    protected AuditStore newStore(Path dir) {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        database = server.newDatabase();
        return PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null));
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            EmbeddedPostgresServer.shared().dropDatabase(database);
        }
    }
}
