package dev.tally.audit.store.postgres;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.IntegrityAttackContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterEach;

/** Signed heads, proofs and the attacks on them, on a real PostgreSQL server (a database per test). */
class PostgresIntegrityTest extends IntegrityAttackContract {

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

    private void run(String sql, String chain, long seq) throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, chain);
            if (seq >= 0) {
                s.setLong(2, seq);
            }
            s.executeUpdate();
        }
    }

    @Override
    protected void cutAfter(String chain, long seq) throws Exception {
        run("DELETE FROM entries WHERE chain = ? AND seq > ?", chain, seq);
        run("DELETE FROM checkpoints WHERE chain = ? AND seq > ?", chain, seq);
        run("DELETE FROM chain_heads WHERE chain = ? AND ? = 0", chain, seq);
        run("UPDATE chain_heads h SET seq = e.seq, hash = e.hash FROM entries e WHERE h.chain = ? AND e.chain = h.chain"
                + " AND e.seq = ?", chain, seq);
    }

    @Override
    protected void deleteHeadsAfter(String chain, long seq) throws Exception {
        run("DELETE FROM checkpoints WHERE chain = ? AND seq > ?", chain, seq);
    }

    @Override
    protected void dropChain(String chain) throws Exception {
        cutAfter(chain, 0);
        run("DELETE FROM checkpoints WHERE chain = ?", chain, -1);
        run("DELETE FROM anchors WHERE chain = ?", chain, -1);
    }
}
