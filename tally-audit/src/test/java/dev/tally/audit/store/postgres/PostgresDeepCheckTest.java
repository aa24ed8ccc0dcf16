package dev.tally.audit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.verify.deep.DeepCheck;
import dev.tally.audit.verify.deep.DeepCheckContract;
import dev.tally.audit.verify.deep.Difference;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The deep check on a real (embedded) PostgreSQL server, a new database per test (a copy of a migrated one). */
class PostgresDeepCheckTest extends DeepCheckContract {

    private String database;

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            EmbeddedPostgresServer.shared().dropDatabase(database);
        }
    }

    /** A database migrated once, copied for every test. */
    private static String template;

    private static synchronized String template() {
        if (template == null) {
            EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
            String db = server.newDatabase();
            PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(db), server.user(), null)).close();
            template = db;
        }
        return template;
    }

    private PostgresAuditStore store;

    @Override
    protected AuditStore newStore() {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        database = server.newDatabase(template());
        store = PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null));
        return store;
    }

    /**
     * Runs {@code sql} as an attacker would, once every committed call is folded into the rollup
     * tables: an edit of a rollup row presumes the row is there.
     */
    @Override
    protected void execute(String sql) {
        store.foldRollups();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Test
    void aTagRowOfNoEntryIsCounted() {
        long ts = DAY2.toEpochMilli();
        ((PostgresAuditStore) store).ensurePartitions(DAY2, DAY2);
        execute("INSERT INTO call_tags (name, value, ts, chain, seq) VALUES ('team', 'ghost', " + ts + ", 'gw-1', 9)");
        assertThat(DeepCheck.run(store).differences()).containsExactly(new Difference("", "call_tags",
                "rows whose entry does not exist", "(rows)", "1", "0"));
    }
}
