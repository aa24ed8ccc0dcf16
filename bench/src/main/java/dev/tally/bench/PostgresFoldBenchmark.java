package dev.tally.bench;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What folding calls into the PostgreSQL usage rollups costs, alone: the recorder writes the
 * records with the background folder off, then one {@code foldRollups()} folds them all, timed by
 * the wall clock and by CPU time (this JVM plus every process of the server, from
 * {@code /proc/<pid>/stat}). CPU time is what a shared machine leaves least disturbed, so it is
 * the figure to compare two builds by. Sparse traffic (the records over one week, as
 * {@code bench/pg-ingest}) and dense (within one minute) alternate.
 *
 * <p>Usage: {@code bench/pg-fold [entries] [rounds]} (defaults 30,000 and 3). Linux only (CPU
 * time of the server's processes from {@code /proc}).
 */
public final class PostgresFoldBenchmark {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final long WEEK_MS = 3_600_000L * 24 * 7;
    private static final long MINUTE_MS = 60_000L;
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private PostgresFoldBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("tally-pg-fold-bench");
        System.out.printf("postgres fold benchmark: %,d call records per fold, %d rounds, %d cpus%n", entries, rounds,
                Runtime.getRuntime().availableProcessors());
        CallRecord[] sparse = TrafficGenerator.records(42, START, WEEK_MS, entries);
        CallRecord[] dense = TrafficGenerator.records(42, START, MINUTE_MS, entries);
        double[][] sparseCost = new double[rounds][];
        double[][] denseCost = new double[rounds][];
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.startNew(true)) {
            fold(server, dir.resolve("warm"), Arrays.copyOf(sparse, Math.min(entries, 10_000)));
            fold(server, dir.resolve("warm-dense"), Arrays.copyOf(dense, Math.min(entries, 10_000)));
            for (int r = 0; r < rounds; r++) {
                for (int side = 0; side < 2; side++) {
                    if ((side + r) % 2 == 0) {
                        sparseCost[r] = fold(server, dir.resolve("sparse-" + r), sparse);
                    } else {
                        denseCost[r] = fold(server, dir.resolve("dense-" + r), dense);
                    }
                }
                System.out.printf("round %d: sparse fold %.0f ms wall, %.0f ms cpu; dense fold %.0f ms wall, %.0f ms cpu"
                        + " (of which this jvm: sparse %.0f ms, dense %.0f ms)%n", r + 1, sparseCost[r][0],
                        sparseCost[r][1], denseCost[r][0], denseCost[r][1], sparseCost[r][2], denseCost[r][2]);
            }
        }
        System.out.println();
        print("sparse (one week)", entries, sparseCost);
        print("dense (one minute)", entries, denseCost);
        IngestBenchmark.deleteTree(dir);
    }

    private static void print(String what, int entries, double[][] cost) {
        double[] wall = Arrays.stream(cost).mapToDouble(c -> c[0]).toArray();
        double[] cpu = Arrays.stream(cost).mapToDouble(c -> c[1]).toArray();
        System.out.printf("%-19s fold: median %,.0f calls/s wall, %.1f us cpu per call (best %.1f)%n", what,
                entries / (median(wall) / 1e3), median(cpu) * 1e3 / entries,
                Arrays.stream(cpu).min().orElseThrow() * 1e3 / entries);
    }

    /** {wall ms, cpu ms, of which this JVM's ms} of folding {@code records} written beforehand with the folder off. */
    private static double[] fold(EmbeddedPostgresServer server, Path dataDir, CallRecord[] records) throws Exception {
        String db = server.newDatabase();
        try (PostgresAuditStore store = PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(db),
                server.user(), null).withFoldInterval(Duration.ZERO))) {
            store.ensurePartitions(START.minusSeconds(86_400), START.plusMillis(WEEK_MS + 86_400_000L));
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults("bench", dataDir)
                    .withQueueCapacity(1 << 20), Clock.systemUTC());
            for (CallRecord record : records) {
                recorder.record(record);
            }
            recorder.flush();
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(db), server.user(), "");
                    Statement s = c.createStatement()) {
                s.execute("CHECKPOINT"); // the writer's dirty pages are not the fold's to write
                java.util.Map<Long, Long> before = cpuTicks(serverPids(s), java.util.Map.of());
                long jvm0 = jvmCpuNanos();
                long wall0 = System.nanoTime();
                long folded = store.foldRollups();
                long wall = System.nanoTime() - wall0;
                long jvm = jvmCpuNanos() - jvm0;
                List<Long> pids = new ArrayList<>(serverPids(s));
                pids.addAll(before.keySet());
                java.util.Map<Long, Long> after = cpuTicks(pids, before);
                long ticks = 0;
                for (java.util.Map.Entry<Long, Long> e : after.entrySet()) {
                    ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
                }
                long cpu = ticks * 1_000_000_000L / TICKS_PER_SECOND + jvm;
                if (folded != records.length) {
                    throw new IllegalStateException("folded: " + folded + " (expected: " + records.length + ")");
                }
                recorder.close();
                return new double[] {wall / 1e6, cpu / 1e6, jvm / 1e6};
            }
        } finally {
            server.dropDatabase(db);
        }
    }

    private static List<Long> serverPids(Statement s) throws Exception {
        List<Long> pids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity")) {
            while (rs.next()) {
                pids.add(rs.getLong(1));
            }
        }
        return pids;
    }

    /** utime + stime of each process, in clock ticks; one gone meanwhile keeps its value in {@code earlier}. */
    private static java.util.Map<Long, Long> cpuTicks(List<Long> pids, java.util.Map<Long, Long> earlier) {
        java.util.Map<Long, Long> ticks = new java.util.HashMap<>();
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.put(pid, Long.parseLong(fields[11]) + Long.parseLong(fields[12])); // utime, stime
            } catch (java.io.IOException e) {
                if (earlier.containsKey(pid)) {
                    ticks.put(pid, earlier.get(pid));
                }
            }
        }
        return ticks;
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
