package dev.tally.audit.store.sqlite;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.IntegrityAttackContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.io.TempDir;

/** Signed heads, proofs and the attacks on them, on a real SQLite file. */
class SqliteIntegrityTest extends IntegrityAttackContract {

    @TempDir
    Path dir;

    @Override
    protected AuditStore newStore() {
        return SqliteAuditStore.open(dir.resolve("tally.db"));
    }

    private void run(String sql, String chain, long seq) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
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
        run("DELETE FROM call_tags WHERE row_id IN (SELECT row_id FROM entries WHERE chain = ? AND seq > ?)", chain, seq);
        run("DELETE FROM entries WHERE chain = ? AND seq > ?", chain, seq);
        run("DELETE FROM checkpoints WHERE chain = ? AND seq > ?", chain, seq);
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
