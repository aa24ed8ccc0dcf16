package dev.tally.bench;

import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Query benchmark on PostgreSQL: the same {@link QuerySet} as the SQLite one, against a
 * {@link PostgresAuditStore} (day partitions) holding {@code records} call records spread over
 * 90 days, written through the real Recorder.
 *
 * <p>Usage: {@code bench/pg-query [records] [iterations]} (defaults 10,000,000 and 200). It starts
 * its own PostgreSQL from the embedded binaries in a temp directory (with the test speed-ups:
 * fsync off, since this times reads, not durable writes), fills a fresh database, runs
 * {@code ANALYZE} as autovacuum would after such a load, times the queries, and deletes it all.
 */
public final class PostgresQueryBenchmark {

    private PostgresQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        System.out.printf("query benchmark (postgresql): %,d call records over 90 days, %d iterations per query%n",
                records, iterations);
        Path dataDir = Files.createTempDirectory("tally-pg-query-bench");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.startNew(false)) {
            String db = server.newDatabase();
            try (PostgresAuditStore store = PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(db),
                    server.user(), null))) {
                store.ensurePartitions(QuerySet.END.minus(QuerySet.SPAN).minusSeconds(86_400),
                        QuerySet.END.plusSeconds(86_400));
                QuerySet.fill(store, dataDir, records);
                try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl(db), server.user(), "");
                        var s = c.createStatement()) {
                    s.execute("ANALYZE");
                }
                System.out.printf("postgresql on 127.0.0.1:%d, database %s%n", server.port(), db);
                QuerySet.runAll(store, iterations);
            }
        } finally {
            IngestBenchmark.deleteTree(dataDir);
        }
    }
}
