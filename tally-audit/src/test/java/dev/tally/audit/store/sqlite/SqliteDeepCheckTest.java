package dev.tally.audit.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.verify.deep.DeepCheck;
import dev.tally.audit.verify.deep.DeepCheckContract;
import dev.tally.audit.verify.deep.Difference;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deep check on a real SQLite file, tampered with through a second connection. */
class SqliteDeepCheckTest extends DeepCheckContract {

    @TempDir
    Path dbDir;

    @Override
    protected AuditStore newStore() {
        return SqliteAuditStore.open(dbDir.resolve("tally.db"));
    }

    @Override
    protected void execute(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbDir.resolve("tally.db"));
                Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Test
    void aTagRowOfNoEntryIsCounted() {
        execute("INSERT INTO call_tags (name, value, row_id) VALUES ('team', 'ghost', 424242)");
        assertThat(DeepCheck.run(store).differences()).containsExactly(new Difference("", "call_tags",
                "rows whose entry does not exist", "(rows)", "1", "0"));
    }
}
