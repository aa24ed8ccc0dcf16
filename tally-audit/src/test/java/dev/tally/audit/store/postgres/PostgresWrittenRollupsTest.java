package dev.tally.audit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import dev.tally.audit.verify.deep.DeepCheck;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store folds the calls its own writer committed from the sums it made in memory
 * ({@link WrittenRollups}) instead of reading them back, and the rollups stay exact whoever
 * else folds or writes the chain in between: another instance's fold makes the sums stale (they
 * are dropped, the entries read), and a writer that took over a chain folds the entries before
 * its own first.
 */
class PostgresWrittenRollupsTest {

    private static final Instant T = Instant.parse("2026-03-02T10:15:00Z");
    private static final String CHAIN = "gw-1";
    private static final UsageQuery BY_KEY_AND_HOUR = UsageQuery.over(T.minus(Duration.ofDays(2)),
            T.plus(Duration.ofDays(9)), List.of(GroupBy.Dimension.KEY, GroupBy.Dimension.HOUR));

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private final String database = server.newDatabase(PostgresAuditStoreTest.template());
    private final Entries entries = new Entries();
    private final List<PostgresAuditStore> stores = new ArrayList<>();
    private int calls;

    @AfterEach
    void close() {
        stores.forEach(PostgresAuditStore::close);
        server.dropDatabase(database);
    }

    private PostgresAuditStore open() {
        PostgresAuditStore store = PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database),
                server.user(), null).withFoldInterval(Duration.ZERO));
        stores.add(store);
        return store;
    }

    /** A batch of {@code n} calls spread over hours and days, with users, tags and latencies. */
    private void batch(TestChain chain, int n) {
        AuditEntry[] batch = new AuditEntry[n];
        for (int i = 0; i < n; i++, calls++) {
            batch[i] = entries.call(T.plus(Duration.ofMinutes(53L * calls))).keyId("key-" + (calls % 3))
                    .user(calls % 2 == 0 ? "u" + (calls % 5) : null).tag("team", "t" + (calls % 2))
                    .inputTokens(10L + calls).outputTokens(5L).costMicros(100L + calls)
                    .durationMs(80L + 13 * calls).ttftMs(calls % 3 == 0 ? null : 20L + calls).build();
        }
        chain.append(batch);
    }

    private long query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void assertExact(PostgresAuditStore store, UsageReport unfolded) throws SQLException {
        assertThat(store.usage(BY_KEY_AND_HOUR)).isEqualTo(unfolded);
        assertThat(query("SELECT sum(calls) FROM model_rollups")).isEqualTo(calls);
        assertThat(query("SELECT sum(calls) FROM tag_day_rollups")).isEqualTo(calls);
        assertThat(query("SELECT sum(cost_micros) FROM day_rollups")).isEqualTo(100L * calls + (long) calls * (calls - 1) / 2);
        assertThat(DeepCheck.run(store).differences()).isEmpty();
    }

    @Test
    void aStoreFoldsTheCallsItWroteFromItsOwnSums() throws Exception {
        PostgresAuditStore store = open();
        TestChain chain = new TestChain(store, CHAIN);
        for (int b = 0; b < 3; b++) {
            batch(chain, 40);
        }
        UsageReport unfolded = store.usage(BY_KEY_AND_HOUR);

        assertThat(store.foldRollups()).isEqualTo(120);
        assertThat(store.foldsFromMemory()).isEqualTo(1);
        assertExact(store, unfolded);

        batch(chain, 25); // adds to rows the first fold wrote
        unfolded = store.usage(BY_KEY_AND_HOUR);
        assertThat(store.foldRollups()).isEqualTo(25);
        assertThat(store.foldsFromMemory()).isEqualTo(2);
        assertExact(store, unfolded);
        assertThat(store.foldRollups()).as("nothing left").isZero();
    }

    @Test
    void aSpanWithoutCallsIsFoldedToo() throws Exception {
        PostgresAuditStore store = open();
        TestChain chain = new TestChain(store, CHAIN);
        chain.append(entries.admin(T, dev.tally.audit.entry.AdminEventType.RETENTION_RUN, CHAIN)); // an event, no call

        assertThat(store.foldRollups()).isEqualTo(1);
        assertThat(store.foldsFromMemory()).isEqualTo(1);
        assertThat(query("SELECT count(*) FROM model_rollups")).isZero();
        assertThat(query("SELECT count(*) FROM rollup_folds WHERE rows_until IS NULL")).isEqualTo(1);

        batch(chain, 10);
        UsageReport unfolded = store.usage(BY_KEY_AND_HOUR);
        assertThat(store.foldRollups()).isEqualTo(10);
        assertExact(store, unfolded);
    }

    @Test
    void anotherInstancesFoldMakesTheSumsStaleAndNothingCountsTwice() throws Exception {
        PostgresAuditStore writer = open();
        PostgresAuditStore other = open();
        TestChain chain = new TestChain(writer, CHAIN);
        batch(chain, 30);
        assertThat(other.foldRollups()).isEqualTo(30); // read from the entries
        batch(chain, 30); // continues the writer's sums, whose start is now folded
        UsageReport unfolded = writer.usage(BY_KEY_AND_HOUR);

        assertThat(writer.foldRollups()).isEqualTo(30);
        assertThat(writer.foldsFromMemory()).as("stale sums are dropped").isZero();
        assertExact(writer, unfolded);

        batch(chain, 30); // starts new sums where the fold stopped
        unfolded = writer.usage(BY_KEY_AND_HOUR);
        assertThat(writer.foldRollups()).isEqualTo(30);
        assertThat(writer.foldsFromMemory()).isEqualTo(1);
        assertExact(writer, unfolded);
    }

    @Test
    void aWriterThatTookOverAChainFoldsTheEntriesBeforeItsOwnFirst() throws Exception {
        PostgresAuditStore before = open();
        batch(new TestChain(before, CHAIN), 30); // never folded by its writer
        PostgresAuditStore after = open();
        TestChain chain = new TestChain(after, CHAIN);
        batch(chain, 20);
        batch(chain, 20);
        UsageReport unfolded = after.usage(BY_KEY_AND_HOUR);

        assertThat(after.foldRollups()).as("30 read, then 40 from the sums").isEqualTo(70);
        assertThat(after.foldsFromMemory()).isEqualTo(1);
        assertThat(query("SELECT folded_seq FROM rollup_folds WHERE chain = '" + CHAIN + "'")).isEqualTo(70);
        assertExact(after, unfolded);
    }
}
