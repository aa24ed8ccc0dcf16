package dev.tally.audit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.recorder.MutableClock;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.WriteBatch;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import dev.tally.audit.verify.VerifyReport;
import dev.tally.audit.verify.Verifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the PostgreSQL store has: day partitions made ahead of time, retention that drops
 * whole partitions, several instances (chains) writing one database, and schema versions.
 */
class PostgresPartitionTest {

    private static final Instant MARCH_1 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;

    private final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    private final MutableClock clock = new MutableClock(MARCH_1.plus(Duration.ofHours(1)));
    private final Entries entries = new Entries();
    private final List<PostgresAuditStore> opened = new ArrayList<>();
    private String database;

    @BeforeEach
    void createDatabase() {
        database = server.newDatabase();
    }

    @AfterEach
    void dropDatabase() {
        opened.forEach(PostgresAuditStore::close);
        server.dropDatabase(database);
    }

    private PostgresAuditStore open() {
        PostgresAuditStore store = PostgresAuditStore.open(
                PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null).withClock(clock));
        opened.add(store);
        return store;
    }

    private static long day(String date) {
        return LocalDate.parse(date).toEpochDay();
    }

    @Test
    void partitionsFromYesterdayThroughTheDaysAheadExistAfterOpenAndMaintenanceAddsTheNextOnes() {
        PostgresAuditStore store = open();
        assertThat(store.partitionDays()).containsExactly(day("2026-02-28"), day("2026-03-01"), day("2026-03-02"),
                day("2026-03-03"), day("2026-03-04"));

        clock.advance(Duration.ofDays(2));
        store.maintain();
        assertThat(store.partitionDays()).contains(day("2026-03-05"), day("2026-03-06"));
    }

    @Test
    void anEntryForADayWithoutAPartitionGetsOneInItsBatch() {
        PostgresAuditStore store = open();
        CallRecord old = entries.call(Instant.parse("2025-12-24T23:59:59.999Z")).build();
        new TestChain(store, "gw-a").append(old);

        assertThat(store.partitionDays()).contains(day("2025-12-24"));
        assertThat(store.entry(old.id())).map(ChainedEntry::entry).contains(old);
    }

    @Test
    void retentionDropsADayOnlyWhenEveryChainInItIsPrunedAndEverythingLeftStillVerifies() throws Exception {
        PostgresAuditStore storeA = open();
        PostgresAuditStore storeB = open(); // a second instance on the same database
        Recorder a = Recorder.start(storeA, RecorderConfig.defaults("gw-a", dir.resolve("a")), clock);
        Recorder b = Recorder.start(storeB, RecorderConfig.defaults("gw-b", dir.resolve("b")), clock);
        try {
            for (int d = 0; d < 5; d++) {
                for (int i = 0; i < 10; i++) {
                    Instant at = MARCH_1.plus(Duration.ofDays(d)).plus(Duration.ofMinutes(90 + i));
                    a.record(entries.call(at).build());
                    b.record(entries.call(at.plusSeconds(1)).build());
                }
            }
            a.flush();
            b.flush();
            clock.advance(Duration.ofDays(6));
            Instant cut = MARCH_1.plus(Duration.ofDays(3));

            assertThat(a.prune(cut, "test")).isPresent();
            // gw-b still has rows in those days: nothing is dropped yet, but gw-a's pruned rows are gone from reads.
            assertThat(storeA.partitionDays()).contains(day("2026-03-01"), day("2026-03-02"), day("2026-03-03"));
            assertThat(storeB.calls(new CallQuery(null, cut, null, null, null, null, null, null, 1000, null)).data())
                    .hasSize(30).allSatisfy(e -> assertThat(e.chain()).isEqualTo("gw-b"));

            assertThat(b.prune(cut, "test")).isPresent();
            assertThat(storeA.partitionDays()).doesNotContain(day("2026-03-01"), day("2026-03-02"), day("2026-03-03"))
                    .contains(day("2026-03-04"), day("2026-03-05"));
            assertThat(storeA.calls(CallQuery.all(1000)).data()).hasSize(40);
            assertThat(storeA.usage(UsageQuery.over(MARCH_1, cut, List.of())).summary().calls())
                    .as("rollups outlive dropped partitions").isEqualTo(60);
        } finally {
            a.close();
            b.close();
        }
        VerifyReport report = new Verifier(storeA).verify();
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.chains()).extracting(r -> r.chain()).containsExactly("gw-a", "gw-b");
        assertThat(noRowsDeletedByStatement()).isTrue();
    }

    @Test
    void twoInstancesWritingTheSameChainCannotForkIt() {
        PostgresAuditStore first = open();
        PostgresAuditStore second = open();
        new TestChain(first, "gw-a").append(entries.call(MARCH_1).build());
        List<ChainedEntry> stale = List.of(dev.tally.audit.chain.EntryHasher.chain("gw-a", 1,
                dev.tally.audit.chain.EntryHasher.GENESIS, entries.call(MARCH_1).build()));

        assertThatThrownBy(() -> second.commit(new WriteBatch("gw-a", List.of(), stale, List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq 1");
        assertThat(second.head("gw-a").seq()).isEqualTo(1);
        assertThat(first.head("gw-a")).isEqualTo(second.head("gw-a"));
    }

    @Test
    void aDatabaseMigratedByANewerTallyIsRefusedWithBothVersions() throws Exception {
        open().close();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                    + "checksum, installed_by, execution_time, success) "
                    + "VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, 'tally', 1, true)");
        }
        assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("expected: at most " + PostgresSchema.CURRENT_VERSION)
                .hasMessageContaining("newer Tally");
    }

    @Test
    void aServerThatCannotBeReachedFailsOpenWithWhereItLooked() {
        PostgresOptions nowhere = PostgresOptions.fromStoreUrl("postgresql://127.0.0.1:1/none", "u", "hunter2");
        assertThatThrownBy(() -> PostgresAuditStore.open(nowhere)).isInstanceOf(StoreException.class)
                .hasMessageContaining("postgresql://127.0.0.1:1/none")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThat(nowhere.toString()).doesNotContain("hunter2");
    }

    /** The statistics collector's count of rows deleted from entries partitions: retention never deletes. */
    private boolean noRowsDeletedByStatement() throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), server.user(), "");
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_force_next_flush()");
            try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(n_tup_del), 0) FROM pg_stat_user_tables "
                    + "WHERE relname LIKE 'entries_p%' OR relname LIKE 'call_tags_p%'")) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        }
    }

}
