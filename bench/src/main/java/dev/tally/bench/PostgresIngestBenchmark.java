package dev.tally.bench;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.postgres.BinaryCopy;
import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

/**
 * PostgreSQL ingest benchmark: durable entries per second through the {@link Recorder} into a
 * {@link PostgresAuditStore} (day partitions, indexes, hash chain, checkpoints, its rollup folder
 * running as in a gateway; also the rate until every call is folded into the rollups), beside a raw batched JDBC insert and a raw binary {@code COPY} of the same rows
 * into the same schema (same body bytes and hashes computed beforehand, same batch size and
 * driver settings, one transaction per batch, no queue, no hashing, no rollups) in the same
 * run; prints the ratios. The records are spread over one week (sparse: most rollup rows hold a call
 * or two). A dense variant, printed on its own lines after each round's figures, writes the same
 * number of records within one minute (as a gateway at hundreds of calls a second makes them)
 * through the recorder and by COPY, and gives its folded/COPY ratio.
 *
 * <p>Usage: {@code bench/pg-ingest [entries] [rounds]} (defaults 30,000 and 5: a few minutes on a
 * busy 2-core machine; more short rounds rather than few long ones, because the median of
 * per-round ratios is what holds when neighbours come and go). It starts its
 * own PostgreSQL from the embedded binaries with the server's durable defaults ({@code fsync}
 * and {@code synchronous_commit} on) in a temp directory; each side of each round gets a fresh
 * database; rounds rotate which side goes first.
 */
public final class PostgresIngestBenchmark {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final long SPAN_MS = 3_600_000L * 24 * 7;
    /** The dense variant's span: its calls all fall in one hour, as at hundreds of calls a second. */
    private static final long DENSE_SPAN_MS = 60_000L;

    /** CPU of this JVM and the server; set once the server runs. */
    private static CpuMeter cpu;
    /** CPU microseconds per entry of the last side run: {until committed, until folded} (COPY: both the same). */
    private static double[] lastCpu;
    /** This JVM's share of {@link #lastCpu}'s first figure, CPU microseconds per entry. */
    private static double lastJvm;

    private PostgresIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("tally-pg-ingest-bench");
        System.out.printf("postgres ingest benchmark: %,d call records per side, %d rounds, java %s, %d cpus%n",
                entries, rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
        CallRecord[] records = TrafficGenerator.records(42, START, SPAN_MS, entries);
        CallRecord[] dense = TrafficGenerator.records(42, START, DENSE_SPAN_MS, entries);
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.startNew(true)) {
            cpu = new CpuMeter(server);
            System.out.printf("postgresql on 127.0.0.1:%d (fsync on, synchronous_commit on)%n", server.port());
            // A whole round of every side first, untimed: each path's code compiled before any clock runs.
            throughRecorder(server, dir.resolve("warm"), records);
            throughRecorder(server, dir.resolve("warm-dense"), dense);
            rawInsert(server, records);
            rawCopy(server, records);
            rawCopy(server, dense);
            double[] recorder = new double[rounds];
            double[] folded = new double[rounds];
            double[] raw = new double[rounds];
            double[] copy = new double[rounds];
            double[] denseRecorder = new double[rounds];
            double[] denseFolded = new double[rounds];
            double[] denseCopy = new double[rounds];
            double[][] cpuRecorder = new double[rounds][];
            double[] cpuCopy = new double[rounds];
            double[][] cpuDense = new double[rounds][];
            double[] cpuDenseCopy = new double[rounds];
            double[][] jvm = new double[rounds][4]; // this JVM's share: recorder, copy, dense recorder, dense copy
            for (int r = 0; r < rounds; r++) {
                // Rotate which side goes first, so none always meets a fresher (or a fuller) server.
                for (int side = 0; side < 3; side++) {
                    switch ((side + r) % 3) {
                        case 0 -> {
                            double[] both = throughRecorder(server, dir.resolve("data-" + r), records);
                            recorder[r] = both[0];
                            folded[r] = both[1];
                            cpuRecorder[r] = lastCpu;
                            jvm[r][0] = lastJvm;
                        }
                        case 1 -> raw[r] = rawInsert(server, records);
                        default -> {
                            copy[r] = rawCopy(server, records);
                            cpuCopy[r] = lastCpu[0];
                            jvm[r][1] = lastJvm;
                        }
                    }
                }
                System.out.printf("round %d: recorder %,.0f entries/s (%,.0f until folded), raw insert %,.0f rows/s, "
                        + "raw copy %,.0f rows/s, recorder/insert %.2f, recorder/copy %.2f%n", r + 1, recorder[r],
                        folded[r], raw[r], copy[r], recorder[r] / raw[r], recorder[r] / copy[r]);
                // The dense variant after the sparse sides, so the figures above mean what they always did.
                for (int side = 0; side < 2; side++) {
                    if ((side + r) % 2 == 0) {
                        double[] both = throughRecorder(server, dir.resolve("dense-" + r), dense);
                        denseRecorder[r] = both[0];
                        denseFolded[r] = both[1];
                        cpuDense[r] = lastCpu;
                        jvm[r][2] = lastJvm;
                    } else {
                        denseCopy[r] = rawCopy(server, dense);
                        cpuDenseCopy[r] = lastCpu[0];
                        jvm[r][3] = lastJvm;
                    }
                }
                System.out.printf("round %d, dense: recorder %,.0f entries/s (%,.0f until folded), raw copy %,.0f rows/s, "
                        + "folded/copy %.2f%n", r + 1, denseRecorder[r], denseFolded[r], denseCopy[r],
                        denseFolded[r] / denseCopy[r]);
                System.out.printf("round %d, cpu (this jvm + the server) per entry: recorder %.1f us (%.1f until folded), "
                        + "raw copy %.1f us; dense: recorder %.1f us (%.1f until folded), raw copy %.1f us%n", r + 1,
                        cpuRecorder[r][0], cpuRecorder[r][1], cpuCopy[r], cpuDense[r][0], cpuDense[r][1], cpuDenseCopy[r]);
                System.out.printf("round %d, of which this jvm (until committed): recorder %.1f us, raw copy %.1f us; "
                        + "dense: recorder %.1f us, raw copy %.1f us%n", r + 1, jvm[r][0], jvm[r][1], jvm[r][2],
                        jvm[r][3]);
            }
            double[] toInsert = new double[rounds];
            double[] toCopy = new double[rounds];
            double[] foldedToCopy = new double[rounds];
            double[] denseFoldedToCopy = new double[rounds];
            double[] cpuToCopy = new double[rounds];
            double[] cpuFoldedToCopy = new double[rounds];
            double[] cpuDenseFoldedToCopy = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                cpuToCopy[r] = cpuCopy[r] / cpuRecorder[r][0];
                cpuFoldedToCopy[r] = cpuCopy[r] / cpuRecorder[r][1];
                cpuDenseFoldedToCopy[r] = cpuDenseCopy[r] / cpuDense[r][1];
                denseFoldedToCopy[r] = denseFolded[r] / denseCopy[r];
                toInsert[r] = recorder[r] / raw[r];
                toCopy[r] = recorder[r] / copy[r];
                foldedToCopy[r] = folded[r] / copy[r];
            }
            System.out.println();
            System.out.printf("recorder (durable, partitions + chain, folder on): median %,.0f entries/s, best %,.0f%n",
                    median(recorder), Arrays.stream(recorder).max().orElseThrow());
            System.out.printf("recorder until every call is folded into rollups: median %,.0f entries/s, best %,.0f%n",
                    median(folded), Arrays.stream(folded).max().orElseThrow());
            System.out.printf("raw batched insert of the same rows:               median %,.0f rows/s, best %,.0f%n",
                    median(raw), Arrays.stream(raw).max().orElseThrow());
            System.out.printf("raw binary COPY of the same rows:                  median %,.0f rows/s, best %,.0f%n",
                    median(copy), Arrays.stream(copy).max().orElseThrow());
            System.out.printf("ratio recorder/insert (median of per-round ratios): %.2f%n", median(toInsert));
            System.out.printf("ratio recorder/copy   (median of per-round ratios): %.2f (bar: >= 0.80)%n",
                    median(toCopy));
            System.out.printf("ratio folded/copy     (median of per-round ratios): %.2f%n", median(foldedToCopy));
            System.out.printf("dense traffic (the same number of calls within one minute, not in the figures above): "
                    + "recorder median %,.0f entries/s, until folded %,.0f, raw COPY %,.0f rows/s, "
                    + "folded/copy %.2f%n", median(denseRecorder), median(denseFolded), median(denseCopy),
                    median(denseFoldedToCopy));
            System.out.printf("cpu per entry, raw COPY's over the recorder's (medians of per-round ratios; what a machine "
                    + "of its own would give if cpu-bound): recorder %.2f, until folded %.2f, dense until folded %.2f%n",
                    median(cpuToCopy), median(cpuFoldedToCopy), median(cpuDenseFoldedToCopy));
        }
        IngestBenchmark.deleteTree(dir);
    }

    private static PostgresAuditStore open(EmbeddedPostgresServer server, String db) {
        PostgresAuditStore store = PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(db),
                server.user(), null));
        // Both sides find every day's partition ready, as a live store does for today.
        store.ensurePartitions(START.minusSeconds(86_400), START.plusMillis(SPAN_MS + 86_400_000L));
        return store;
    }

    /**
     * Entries per second from the first record() until everything is committed (the store's
     * background folder running meanwhile, as in a gateway), and until every committed call is
     * also folded into the rollup tables (the folder's backlog at flush folded at once).
     */
    private static double[] throughRecorder(EmbeddedPostgresServer server, Path dataDir, CallRecord[] records)
            throws Exception {
        String db = server.newDatabase();
        try (PostgresAuditStore store = open(server, db)) {
            RecorderConfig config = RecorderConfig.defaults("bench", dataDir).withQueueCapacity(1 << 20);
            Recorder recorder = Recorder.start(store, config, Clock.systemUTC());
            QuietStart.await(server);
            long jvm0 = CpuMeter.jvmNanos();
            long cpu0 = cpu.nanos();
            long start = System.nanoTime();
            for (CallRecord record : records) {
                recorder.record(record);
            }
            recorder.flush();
            long elapsed = System.nanoTime() - start;
            long cpu1 = cpu.nanos();
            lastJvm = (CpuMeter.jvmNanos() - jvm0) / 1e3 / records.length;
            store.foldRollups();
            long untilFolded = System.nanoTime() - start;
            long cpu2 = cpu.nanos();
            lastCpu = new double[] {(cpu1 - cpu0) / 1e3 / records.length, (cpu2 - cpu0) / 1e3 / records.length};
            if (recorder.stats().spilled() > 0 || recorder.stats().lost() > 0) {
                System.out.printf("  (recorder spilled %d, lost %d)%n", recorder.stats().spilled(),
                        recorder.stats().lost());
            }
            recorder.close();
            printSizes(server, db, records.length);
            return new double[] {records.length / (elapsed / 1e9), records.length / (untilFolded / 1e9)};
        } finally {
            server.dropDatabase(db);
        }
    }

    /** The recorder's chain of the same records, built ahead so the raw sides pay for no hashing. */
    private static ChainedEntry[] chained(CallRecord[] records) {
        ChainedEntry[] rows = new ChainedEntry[records.length];
        String prev = EntryHasher.GENESIS;
        for (int i = 0; i < records.length; i++) {
            rows[i] = EntryHasher.chain("raw", i + 1, prev, records[i]);
            prev = rows[i].hash();
        }
        return rows;
    }

    private static Connection connect(EmbeddedPostgresServer server, String db) throws java.sql.SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.user());
        props.setProperty("reWriteBatchedInserts", "true");
        Connection c = DriverManager.getConnection(server.jdbcUrl(db), props);
        c.setAutoCommit(false);
        return c;
    }

    /** Rows per second for plain batched inserts of the same rows into the same schema. */
    private static double rawInsert(EmbeddedPostgresServer server, CallRecord[] records) throws Exception {
        String db = server.newDatabase();
        open(server, db).close(); // the same schema and partitions
        ChainedEntry[] rows = chained(records);
        int batch = RecorderConfig.DEFAULT_BATCH_SIZE;
        try (Connection c = connect(server, db)) {
            PreparedStatement entry = c.prepareStatement("INSERT INTO entries (chain, seq, ts, id, kind, key_id, model, "
                    + "provider, status, user_id, event_type, prev_hash, hash, body) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            PreparedStatement tag = c.prepareStatement(
                    "INSERT INTO call_tags (name, value, ts, chain, seq) VALUES (?, ?, ?, ?, ?)");
            QuietStart.await(server);
            long start = System.nanoTime();
            for (int i = 0; i < rows.length; i++) {
                ChainedEntry row = rows[i];
                IndexColumns col = IndexColumns.of(row.entry());
                entry.setString(1, row.chain());
                entry.setLong(2, row.seq());
                entry.setLong(3, col.ts());
                entry.setString(4, col.id());
                entry.setString(5, col.kind());
                nullable(entry, 6, col.keyId());
                nullable(entry, 7, col.model());
                nullable(entry, 8, col.provider());
                nullable(entry, 9, col.status());
                nullable(entry, 10, col.user());
                nullable(entry, 11, col.eventType());
                entry.setString(12, row.prevHash());
                entry.setString(13, row.hash());
                entry.setBytes(14, row.canonicalBytes());
                entry.addBatch();
                for (Map.Entry<String, String> t : records[i].tags().entrySet()) {
                    tag.setString(1, t.getKey());
                    tag.setString(2, t.getValue());
                    tag.setLong(3, col.ts());
                    tag.setString(4, row.chain());
                    tag.setLong(5, row.seq());
                    tag.addBatch();
                }
                if ((i + 1) % batch == 0 || i == rows.length - 1) {
                    entry.executeBatch();
                    tag.executeBatch();
                    c.commit();
                }
            }
            long elapsed = System.nanoTime() - start;
            return rows.length / (elapsed / 1e9);
        } finally {
            server.dropDatabase(db);
        }
    }

    /**
     * Rows per second for a binary COPY of the same rows into the same schema, one COPY of
     * entries and one of tags per batch, one transaction per batch: the fastest way in.
     */
    private static double rawCopy(EmbeddedPostgresServer server, CallRecord[] records) throws Exception {
        String db = server.newDatabase();
        open(server, db).close(); // the same schema and partitions
        ChainedEntry[] rows = chained(records);
        int batch = RecorderConfig.DEFAULT_BATCH_SIZE;
        try (Connection c = connect(server, db)) {
            QuietStart.await(server);
            long jvm0 = CpuMeter.jvmNanos();
            long cpu0 = cpu.nanos();
            long start = System.nanoTime();
            // One buffer per table for every batch, as the store's writer keeps them.
            BinaryCopy entries = new BinaryCopy("entries", "chain", "seq", "ts", "id", "kind", "key_id", "model",
                    "provider", "status", "user_id", "event_type", "prev_hash", "hash", "body");
            BinaryCopy tags = new BinaryCopy("call_tags", "name", "value", "ts", "chain", "seq");
            for (int i = 0; i < rows.length; i++) {
                ChainedEntry row = rows[i];
                IndexColumns col = IndexColumns.of(row.entry());
                entries.row().text(row.chain()).int8(row.seq()).int8(col.ts()).text(col.id()).text(col.kind())
                        .text(col.keyId()).text(col.model()).text(col.provider()).text(col.status())
                        .text(col.user()).text(col.eventType()).text(row.prevHash()).text(row.hash())
                        .bytes(row.canonicalBytes());
                for (Map.Entry<String, String> t : records[i].tags().entrySet()) {
                    tags.row().text(t.getKey()).text(t.getValue()).int8(col.ts()).text(row.chain()).int8(row.seq());
                }
                if ((i + 1) % batch == 0 || i == rows.length - 1) {
                    entries.copyInto(c);
                    tags.copyInto(c);
                    c.commit();
                    entries.reset();
                    tags.reset();
                }
            }
            long elapsed = System.nanoTime() - start;
            lastCpu = new double[] {(cpu.nanos() - cpu0) / 1e3 / rows.length};
            lastJvm = (CpuMeter.jvmNanos() - jvm0) / 1e3 / rows.length;
            return rows.length / (elapsed / 1e9);
        } finally {
            server.dropDatabase(db);
        }
    }

    /**
     * On-disk bytes per record after a recorder run, for sizing (docs/deployment.md): entries
     * and tag rows with their indexes (every day partition, no payloads), and the rollup tables.
     */
    private static void printSizes(EmbeddedPostgresServer server, String db, int records) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", server.user());
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(db), props);
                java.sql.Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
            long entries = size(s, "SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('entries')");
            long tags = size(s, "SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('call_tags')");
            long rollups = size(s, "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relkind = 'r' "
                    + "AND c.relname LIKE '%rollups'");
            System.out.printf("  size after %,d records: entries %,d B/record, tags %,d B/record, rollups %,d B in all "
                    + "(%,d B/record here), total %,d B/record%n", records, entries / records, tags / records, rollups,
                    rollups / records, (entries + tags + rollups) / records);
        }
    }

    private static long size(java.sql.Statement s, String sql) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void nullable(PreparedStatement s, int index, String value) throws java.sql.SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
