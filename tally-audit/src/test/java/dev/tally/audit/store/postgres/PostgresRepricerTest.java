package dev.tally.audit.store.postgres;

import dev.tally.audit.adjust.RepricerContract;
import dev.tally.audit.store.AuditStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;

/** Re-pricing on a real PostgreSQL database (embedded server, a database per test). */
class PostgresRepricerTest extends RepricerContract {

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

    @Override
    protected void execute(String sql) {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
