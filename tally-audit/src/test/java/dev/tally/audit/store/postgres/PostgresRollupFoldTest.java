package dev.tally.audit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.testing.Await;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import dev.tally.audit.verify.deep.DeepCheck;
import dev.tally.audit.verify.deep.DeepReport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rollups folded after the commit ({@link RollupFolder}): reports are the same before and after
 * a fold, two folders on one database never count a call twice, a folder skips a chain another
 * one holds, and a prune folds what it hides first.
 */
class PostgresRollupFoldTest {

    private static final Instant T = Instant.parse("2026-03-02T10:15:00Z");
    private static final String CHAIN = "gw-1";

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private final String database = server.newDatabase(PostgresAuditStoreTest.template());
    private final Entries entries = new Entries();
    private final List<PostgresAuditStore> stores = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(PostgresAuditStore::close);
        server.dropDatabase(database);
    }

    private PostgresAuditStore open(Duration foldInterval) {
        PostgresAuditStore store = PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database),
                server.user(), null).withFoldInterval(foldInterval));
        stores.add(store);
        return store;
    }

    private AuditEntry call(int i) {
        return entries.call(T.plus(Duration.ofMinutes(7L * i))).keyId("key-" + (i % 3)).user(i % 2 == 0 ? "u" : null)
                .tag("team", "t" + (i % 2)).inputTokens(10L + i).outputTokens(5L).costMicros(100L + i)
                .durationMs(100L + 10 * i).build();
    }

    private static final UsageQuery BY_KEY_AND_HOUR = UsageQuery.over(T.minus(Duration.ofDays(2)),
            T.plus(Duration.ofDays(2)), List.of(GroupBy.Dimension.KEY, GroupBy.Dimension.HOUR));

    private long query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void reportsAreTheSameBeforeAndAfterTheFold() throws Exception {
        PostgresAuditStore store = open(Duration.ZERO);
        TestChain chain = new TestChain(store, CHAIN);
        for (int i = 0; i < 40; i++) {
            chain.append(call(i));
        }
        UsageReport unfolded = store.usage(BY_KEY_AND_HOUR);
        UsageReport byTag = store.usage(UsageQuery.over(null, null, List.of(new GroupBy.Tag("team"))));
        assertThat(unfolded.summary().calls()).isEqualTo(40);
        assertThat(query("SELECT count(*) FROM model_rollups")).as("nothing folded yet").isZero();
        assertThat(DeepCheck.run(store).differences()).isEmpty();

        assertThat(store.foldRollups()).isEqualTo(40);
        assertThat(query("SELECT sum(calls) FROM model_rollups")).isEqualTo(40);
        assertThat(query("SELECT folded_seq FROM rollup_folds WHERE chain = '" + CHAIN + "'")).isEqualTo(40);
        assertThat(store.usage(BY_KEY_AND_HOUR)).isEqualTo(unfolded);
        assertThat(store.usage(UsageQuery.over(null, null, List.of(new GroupBy.Tag("team"))))).isEqualTo(byTag);
        assertThat(DeepCheck.run(store).differences()).isEmpty();

        // Half folded, half not: still the same figures.
        for (int i = 40; i < 60; i++) {
            chain.append(call(i));
        }
        UsageReport mixed = store.usage(BY_KEY_AND_HOUR);
        assertThat(mixed.summary().calls()).isEqualTo(60);
        store.foldRollups();
        assertThat(store.usage(BY_KEY_AND_HOUR)).isEqualTo(mixed);
        assertThat(store.foldRollups()).as("nothing left").isZero();
    }

    @Test
    void twoFoldersOnOneDatabaseNeverCountACallTwice() throws Exception {
        PostgresAuditStore writer = open(Duration.ofMillis(1));
        PostgresAuditStore other = open(Duration.ofMillis(1));
        TestChain chain = new TestChain(writer, CHAIN);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Besides both background folders: two threads folding on demand, waiting for the lock.
            List<Future<?>> folders = new ArrayList<>();
            for (PostgresAuditStore s : List.of(writer, other)) {
                folders.add(pool.submit(() -> {
                    while (writing.get()) {
                        s.foldRollups();
                    }
                }));
            }
            for (int i = 0; i < 150; i++) {
                chain.append(call(i), call(i + 1000));
            }
            writing.set(false);
            for (Future<?> f : folders) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        other.foldRollups();
        assertThat(query("SELECT sum(calls) FROM model_rollups")).isEqualTo(300);
        assertThat(query("SELECT sum(calls) FROM tag_day_rollups")).isEqualTo(300);
        assertThat(query("SELECT sum(cost_micros) FROM day_rollups")).isEqualTo(
                150 * 100 + 150 * 1100 + 2 * (149 * 150 / 2));
        DeepReport deep = DeepCheck.run(other);
        assertThat(deep.differences()).isEmpty();
        assertThat(other.usage(UsageQuery.over(null, null, List.of(GroupBy.Dimension.KEY))).summary().calls())
                .isEqualTo(300);
    }

    @Test
    void aFolderSkipsAChainAnotherOneIsFolding() throws Exception {
        PostgresAuditStore store = open(Duration.ZERO);
        TestChain chain = new TestChain(store, CHAIN);
        chain.append(call(1), call(2));
        try (Connection holder = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                Connection folder = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "")) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + RollupFolder.LOCK_CLASS + ", hashtext('" + CHAIN + "'))");
            }
            folder.setAutoCommit(false);
            assertThat(RollupFolder.fold(folder, CHAIN, Long.MAX_VALUE, RollupFolder.MAX_ENTRIES, false)).isZero();
            folder.commit();
            assertThat(query("SELECT count(*) FROM model_rollups")).isZero();
            holder.commit(); // releases the lock
            assertThat(RollupFolder.fold(folder, CHAIN, Long.MAX_VALUE, RollupFolder.MAX_ENTRIES, false)).isEqualTo(2);
            folder.commit();
        }
        assertThat(query("SELECT sum(calls) FROM model_rollups")).isEqualTo(2);
        assertThat(store.usage(BY_KEY_AND_HOUR).summary().calls()).isEqualTo(2);
    }

    @Test
    void theBackgroundFolderFoldsAQuietWritersCalls() throws Exception {
        PostgresAuditStore store = open(Duration.ofMillis(10));
        TestChain chain = new TestChain(store, CHAIN);
        for (int i = 0; i < 5; i++) {
            chain.append(call(i));
        }
        Await.until("folded", () -> foldedSeq() >= 5);
        assertThat(query("SELECT sum(calls) FROM model_rollups")).isEqualTo(5);
        assertThat(store.foldFailures()).isZero();
    }

    @Test
    void aFailedBackgroundFoldIsCountedAndRetriedUntilItWorks() throws Exception {
        execute("ALTER TABLE model_rollups RENAME TO model_rollups_away"); // every fold now fails
        PostgresAuditStore store = open(Duration.ofMillis(10));
        TestChain chain = new TestChain(store, CHAIN);
        chain.append(call(1), call(2), call(3));
        Await.until("two failed rounds", () -> store.foldFailures() >= 2);
        assertThat(store.foldFailures()).isGreaterThanOrEqualTo(2); // counted every round, not once per outage
        assertThat(query("SELECT count(*) FROM rollup_folds")).isZero();
        assertThat(store.usage(BY_KEY_AND_HOUR).summary().calls()).isEqualTo(3); // reads stay exact

        execute("ALTER TABLE model_rollups_away RENAME TO model_rollups");
        Await.until("folded", () -> foldedSeq() >= 3);
        assertThat(query("SELECT sum(calls) FROM model_rollups")).isEqualTo(3);
        assertThat(store.usage(BY_KEY_AND_HOUR).summary().calls()).isEqualTo(3);
    }

    private long foldedSeq() throws SQLException {
        return query("SELECT coalesce(max(folded_seq), 0) FROM rollup_folds WHERE chain = '" + CHAIN + "'");
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aWriterFoldsWhatItLeftWhenItCloses() throws Exception {
        PostgresAuditStore store = open(Duration.ZERO);
        TestChain chain = new TestChain(store, CHAIN);
        chain.append(call(1), call(2), call(3));
        store.close();
        assertThat(query("SELECT folded_seq FROM rollup_folds WHERE chain = '" + CHAIN + "'")).isEqualTo(3);
        assertThat(query("SELECT sum(calls) FROM day_rollups")).isEqualTo(3);
        // A reader that wrote nothing leaves the rollups alone when it closes.
        PostgresAuditStore reader = open(Duration.ZERO);
        assertThat(reader.usage(BY_KEY_AND_HOUR).summary().calls()).isEqualTo(3);
    }

    @Test
    void aPruneFoldsTheCallsItHidesFirst() throws Exception {
        PostgresAuditStore store = open(Duration.ZERO);
        TestChain chain = new TestChain(store, CHAIN);
        for (int i = 0; i < 6; i++) {
            chain.append(call(i));
        }
        UsageReport before = store.usage(BY_KEY_AND_HOUR);
        ChainHead through = store.prunableThrough(CHAIN, T.plus(Duration.ofMinutes(20))).orElseThrow();
        assertThat(through.seq()).isEqualTo(3);
        SignedHead anchor = Entries.head(SignedHead.Purpose.ANCHOR, CHAIN, through.seq(), through.hash(),
                T.plusSeconds(9));
        chain.change(new AdminChange.Prune(anchor), entries.admin(T.plus(Duration.ofHours(2)),
                AdminEventType.RETENTION_RUN, CHAIN));

        assertThat(query("SELECT folded_seq FROM rollup_folds WHERE chain = '" + CHAIN + "'")).isEqualTo(3);
        assertThat(query("SELECT sum(calls) FROM model_rollups")).isEqualTo(3);
        assertThat(store.usage(BY_KEY_AND_HOUR)).as("pruned calls stay counted").isEqualTo(before);
        store.foldRollups();
        assertThat(store.usage(BY_KEY_AND_HOUR)).isEqualTo(before);
    }

    private AuditEntry denseCall(int i, int round) {
        return entries.call(T.plus(Duration.ofSeconds(i % 60))).keyId("key-" + i).user("u" + (i % 7))
                .tag("team", "t" + (i % 3)).inputTokens(10L + i).costMicros(100L + round).durationMs(50L + i % 400)
                .ttftMs(round == 0 ? null : 20L + i % 90).build();
    }

    @Test
    void manyNewRowsGoInByCopyAndLaterFoldsAddToThemExactly() throws Exception {
        PostgresAuditStore writer = open(Duration.ZERO);
        PostgresAuditStore other = open(Duration.ZERO);
        TestChain chain = new TestChain(writer, CHAIN);
        int keys = RollupUpserts.COPY_ROWS + 100;
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < keys; i++) {
                chain.append(denseCall(i, round));
            }
            UsageReport unfolded = writer.usage(BY_KEY_AND_HOUR);
            // The first round's rows are new (one COPY per table); later rounds add to them,
            // folded by this store (which remembers the histograms it wrote) or by another one
            // in between (which makes this store's memory stale).
            PostgresAuditStore folder = round == 2 ? other : writer;
            assertThat(folder.foldRollups()).isEqualTo(keys);
            assertThat(writer.usage(BY_KEY_AND_HOUR)).isEqualTo(unfolded);
            assertThat(query("SELECT sum(calls) FROM rollups")).isEqualTo((long) keys * (round + 1));
            assertThat(query("SELECT count(*) FROM rollups")).isEqualTo(keys);
            assertThat(DeepCheck.run(writer).differences()).as("round " + round).isEmpty();
        }
    }
}
