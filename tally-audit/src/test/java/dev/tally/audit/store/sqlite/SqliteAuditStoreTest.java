package dev.tally.audit.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.AuditStoreContract;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real SQLite file, plus what only SQLite has. */
class SqliteAuditStoreTest extends AuditStoreContract {

    @TempDir
    Path dir;

    @Override
    protected AuditStore newStore() {
        return SqliteAuditStore.open(dir.resolve("tally.db"));
    }

    @Test
    void theDatabaseIsInWalModeWithTheCurrentSchemaVersion() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(SqliteSchema.CURRENT_VERSION);
            }
        }
    }

    @Test
    void aDatabaseFromANewerVersionIsRefused() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
                Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> SqliteAuditStore.open(dir.resolve("tally.db")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("expected: at most " + SqliteSchema.CURRENT_VERSION);
    }

    @Test
    void aFileThatIsNotATallyDatabaseIsRefused() throws Exception {
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE something (x)");
        }
        assertThatThrownBy(() -> SqliteAuditStore.open(other)).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 0");
    }

    @Test
    void reopeningKeepsEverything() {
        CallRecord call = entries.call(Entries.T0).build();
        chain.append(call);
        store.close();
        store = SqliteAuditStore.open(dir.resolve("tally.db"));
        assertThat(store.entry(call.id())).map(e -> e.entry()).contains(call);
        assertThat(store.head(CHAIN).seq()).isEqualTo(1);
    }

    @Test
    void readersAreNotBlockedByAnOpenWriteTransactionOfAnotherConnection() throws Exception {
        CallRecord call = entries.call(Entries.T0).build();
        chain.append(call);
        try (AuditStore second = SqliteAuditStore.open(dir.resolve("tally.db"));
                Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
                Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.execute("INSERT INTO settings (name, value) VALUES ('held', 'by another writer')");
            // The other connection now holds the write lock; reads go on and see committed data only.
            assertThat(second.calls(CallQuery.all(10)).data()).hasSize(1);
            assertThat(store.setting("held")).isEmpty();
            other.commit();
            assertThat(second.setting("held")).contains("by another writer");
        }
        // A second store instance writes, and this one sees it.
        try (AuditStore second = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            new TestChain(second, CHAIN).append(entries.call(Entries.T0.plusSeconds(1)).build());
        }
        assertThat(store.head(CHAIN).seq()).isEqualTo(2);
    }

    @Test
    void readersSeeOnlyWholeBatchesWhileAWriterThreadCommits() throws Exception {
        int batches = 60;
        int perBatch = 25;
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<?> writing = writer.submit(() -> {
                for (int b = 0; b < batches; b++) {
                    CallRecord[] calls = new CallRecord[perBatch];
                    for (int i = 0; i < perBatch; i++) {
                        calls[i] = entries.call(Entries.T0.plusSeconds(b * perBatch + i)).build();
                    }
                    chain.append(calls);
                }
            });
            long lastCalls = 0;
            while (!writing.isDone()) {
                long calls = store.usage(dev.tally.audit.query.UsageQuery.over(null, null, java.util.List.of()))
                        .summary().calls();
                long seq = store.head(CHAIN).seq();
                assertThat(calls % perBatch).as("a usage report never sees part of a batch").isZero();
                assertThat(calls).isGreaterThanOrEqualTo(lastCalls);
                assertThat(seq).isGreaterThanOrEqualTo(calls);
                java.util.List<dev.tally.audit.chain.ChainedEntry> page = store.calls(CallQuery.all(50)).data();
                for (int i = 1; i < page.size(); i++) {
                    assertThat(page.get(i - 1).entry().timestamp()).isAfterOrEqualTo(page.get(i).entry().timestamp());
                }
                lastCalls = calls;
            }
            writing.get();
        } finally {
            writer.shutdownNow();
        }
        assertThat(store.usage(dev.tally.audit.query.UsageQuery.over(null, null, java.util.List.of())).summary()
                .calls()).isEqualTo((long) batches * perBatch);
    }

    @Test
    void tagValuesAreBoundNeverSpliced() {
        chain.append(entries.call(Entries.T0).tag("tier", "x' OR '1'='1").build(), entries.call(Entries.T0).build());
        assertThat(store.calls(new CallQuery(null, null, null, null, null, null, null,
                java.util.Map.of("tier", "x' OR '1'='1"), 10, null)).data()).hasSize(1);
        assertThat(store.calls(new CallQuery(null, null, "' OR 1=1 --", null, null, null, null, null, 10, null))
                .data()).isEmpty();
    }

    @Test
    void aReopenedStoreMergesIntoTheRollupRowsWrittenBeforeIt() {
        chain.append(entries.call(Entries.T0.plusSeconds(600)).durationMs(100L).tag("tier", "gold").user("u").build());
        store.close();
        store = SqliteAuditStore.open(dir.resolve("tally.db"));
        chain = new TestChain(store, CHAIN);
        chain.append(entries.call(Entries.T0.plusSeconds(1200)).durationMs(300L).tag("tier", "gold").user("u").build());

        java.time.Instant day = java.time.Instant.parse("2026-03-02T00:00:00Z");
        for (var query : java.util.List.of(
                dev.tally.audit.query.UsageQuery.over(Entries.T0, Entries.T0.plusSeconds(3600), java.util.List.of()),
                dev.tally.audit.query.UsageQuery.over(day, day.plusSeconds(86_400),
                        java.util.List.of(dev.tally.audit.query.GroupBy.Dimension.DAY)),
                dev.tally.audit.query.UsageQuery.over(day, day.plusSeconds(86_400),
                        java.util.List.of(dev.tally.audit.query.GroupBy.Dimension.USER)),
                dev.tally.audit.query.UsageQuery.over(day, day.plusSeconds(86_400),
                        java.util.List.of(new dev.tally.audit.query.GroupBy.Tag("tier"))))) {
            var stats = store.usage(query).summary();
            assertThat(stats.calls()).as("%s", query).isEqualTo(2);
            assertThat(stats.latencyMs().samples()).as("both latencies in the row's histogram").isEqualTo(2);
            assertThat(stats.latencyMs().p99()).isCloseTo(300L, org.assertj.core.api.Assertions.within(12L));
        }
    }

    @Test
    void aPacedCommitStoresWhatAnUnpacedOneDoes() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        store.pace(() -> asked.incrementAndGet() > 0);
        int seq = 0;
        // 1 and 21 rows leave some unsent after the last yield; 8 and 16 none.
        for (int size : new int[] {1, 8, 16, 21}) {
            CallRecord[] calls = new CallRecord[size];
            for (int i = 0; i < size; i++) {
                calls[i] = entries.call(Entries.T0.plusSeconds(++seq)).tag("tier", seq % 2 == 0 ? "gold" : "free")
                        .build();
            }
            chain.append(calls);
        }
        assertThat(asked).as("asked once per %d rows", SqliteWriter.ROWS_PER_YIELD).hasValue(0 + 1 + 2 + 2);
        store.pace(() -> false);
        chain.append(entries.call(Entries.T0.plusSeconds(++seq)).tag("tier", "free").build());

        assertThat(store.head(CHAIN).seq()).isEqualTo(seq);
        java.util.List<dev.tally.audit.chain.ChainedEntry> stored = store.calls(CallQuery.all(100)).data();
        assertThat(stored).extracting(dev.tally.audit.chain.ChainedEntry::seq)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, seq).boxed().toList());
        assertThat(store.calls(new CallQuery(null, null, null, null, null, null, null,
                java.util.Map.of("tier", "gold"), 100, null)).data()).hasSize(23);
        assertThat(store.usage(dev.tally.audit.query.UsageQuery.over(null, null, java.util.List.of())).summary()
                .calls()).isEqualTo(seq);
    }
}
