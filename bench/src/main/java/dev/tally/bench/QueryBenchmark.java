package dev.tally.bench;

import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Query benchmark on SQLite: the {@link QuerySet} against a store holding {@code records} call
 * records spread over 90 days, written through the real Recorder (so the rollups are the ones
 * ingest maintains).
 *
 * <p>Usage: {@code bench/query [records] [iterations] [db-path]} (defaults 10,000,000, 200 and
 * bench/target/query-bench.db). The database is kept and reused when it already holds the
 * requested number of records, because filling it takes minutes.
 */
public final class QueryBenchmark {

    private QueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path db = Path.of(args.length > 2 ? args[2] : "bench/target/query-bench.db").toAbsolutePath();
        Files.createDirectories(db.getParent());
        System.out.printf("query benchmark (sqlite): %,d call records over 90 days in %s, %d iterations per query%n",
                records, db, iterations);
        fillIfNeeded(db, records);
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            QuerySet.runAll(store, iterations);
        }
    }

    private static void fillIfNeeded(Path db, long records) throws Exception {
        if (Files.exists(db)) {
            try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
                long have = QuerySet.count(store);
                if (have == records) {
                    System.out.printf("reusing %s (%,d records)%n", db, have);
                    return;
                }
            }
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(db + suffix));
            }
        }
        Path dataDir = db.resolveSibling("query-bench-data");
        if (Files.exists(dataDir)) {
            IngestBenchmark.deleteTree(dataDir);
        }
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            QuerySet.fill(store, dataDir, records);
        }
    }
}
