package dev.tally.audit.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.adjust.AdjustmentFilter;
import dev.tally.audit.adjust.RepricerContract;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.testing.SqliteTestStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Re-pricing on a real SQLite file; a store whose commits fail writes no adjustment at all. */
class SqliteRepricerTest extends RepricerContract {

    @Override
    protected AuditStore newStore() {
        return SqliteAuditStore.open(dataDir.resolve("tally.db"));
    }

    @Override
    protected void execute(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tally.db"));
                Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Test
    void whenTheAuditWriteFailsNoAdjustmentIsWritten() throws Exception {
        store.close();
        SqliteTestStore faulty = new SqliteTestStore();
        store = faulty;
        recorder(faulty);
        record(entries.call(T).build());
        long seq = faulty.head(CHAIN).seq();
        faulty.failing = true;

        assertThatThrownBy(() -> reprice(dev.tally.audit.pricing.PriceBook.ofPrices(java.util.Map.of("gpt-4o-mini",
                dev.tally.audit.pricing.Price.perMillion("2", "4"))), false)).isInstanceOf(StoreException.class);

        faulty.failing = false;
        recorder.flush();
        assertThat(faulty.adjustments(AdjustmentFilter.all())).isEmpty();
        assertThat(faulty.head(CHAIN).seq()).isEqualTo(seq);
        assertThat(recorder.stats().spilled()).isZero();
    }
}
