package dev.tally.bench;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.MerkleFrontier;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * Ingest benchmark: sustained durable entries per second through the {@link Recorder} into
 * SQLite (full schema, indexes, rollups, hash chain, checkpoints), beside a raw batched JDBC
 * insert of the same rows (same schema, same body bytes and hashes computed beforehand, same
 * batch size, no queue, no hashing, no rollups) measured in the same run; prints the ratio.
 * Also prints the time {@code record()} takes in the caller.
 *
 * <p>A third side shows what signed tree heads cost: the recorder as it runs by default (a head
 * signed within {@code sign_interval}, 1 s, of every entry) beside the same recorder signing only
 * every {@code checkpoint_every} entries, which is how often it signed before heads became
 * per-second ({@code sign_interval} set to its 1 h maximum, so a run of a few seconds signs
 * only by count). The Merkle tree itself is maintained on both sides; its own cost per entry is
 * timed alone ({@link MerkleFrontier#appendEntry} over the same number of entries) and printed as
 * a share of the recorder's time per entry.
 *
 * <p>Usage: {@code bench/ingest [entries] [rounds]} (defaults 1,000,000 and 3). Each round runs
 * every side on fresh database files, rotating which goes first; the best round of each side
 * is reported next to the median, because this machine is shared and noisy.
 */
public final class IngestBenchmark {

    /** Signing only every {@code checkpoint_every} entries, as before heads were signed every second. */
    private static final Duration COUNT_SIGNED = Duration.ofHours(1);

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("tally-ingest-bench");
        System.out.printf("ingest benchmark: %,d call records per side, %d rounds, java %s, %d cpus%n",
                entries, rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());

        CallRecord[] records = generate(entries);
        warmUp(dir);

        double[] recorderRates = new double[rounds];
        double[] countSignedRates = new double[rounds];
        double[] rawRates = new double[rounds];
        long[] callerNanos = new long[entries];
        long[] p99s = new long[rounds];
        long[] p50s = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean rawFirst = r % 2 == 1;
            if (rawFirst) {
                rawRates[r] = rawInsert(dir.resolve("raw-" + r + ".db"), records);
            } else {
                countSignedRates[r] = throughRecorder(dir.resolve("cnt-" + r + ".db"), dir.resolve("cnt-data-" + r),
                        records, new long[entries], COUNT_SIGNED);
            }
            recorderRates[r] = throughRecorder(dir.resolve("rec-" + r + ".db"), dir.resolve("data-" + r), records,
                    callerNanos, RecorderConfig.DEFAULT_SIGN_INTERVAL);
            long[] sorted = callerNanos.clone();
            Arrays.sort(sorted);
            p50s[r] = sorted[sorted.length / 2];
            p99s[r] = sorted[(int) (sorted.length * 0.99)];
            if (!rawFirst) {
                rawRates[r] = rawInsert(dir.resolve("raw-" + r + ".db"), records);
            } else {
                countSignedRates[r] = throughRecorder(dir.resolve("cnt-" + r + ".db"), dir.resolve("cnt-data-" + r),
                        records, new long[entries], COUNT_SIGNED);
            }
            System.out.printf("round %d: recorder %,.0f entries/s, signing only by count %,.0f entries/s, raw insert"
                    + " %,.0f rows/s, ratio %.2f, heads %.2f, record() p50 %.2f us p99 %.2f us%n", r + 1,
                    recorderRates[r], countSignedRates[r], rawRates[r], recorderRates[r] / rawRates[r],
                    recorderRates[r] / countSignedRates[r], p50s[r] / 1000.0, p99s[r] / 1000.0);
        }
        double recMedian = median(recorderRates);
        double rawMedian = median(rawRates);
        System.out.println();
        System.out.printf("recorder (durable, full schema + rollups + chain): median %,.0f entries/s, best %,.0f%n",
                recMedian, Arrays.stream(recorderRates).max().orElseThrow());
        System.out.printf("raw batched insert of the same rows:                median %,.0f rows/s, best %,.0f%n",
                rawMedian, Arrays.stream(rawRates).max().orElseThrow());
        System.out.printf("recorder signing only every checkpoint_every entries: median %,.0f entries/s, best %,.0f%n",
                median(countSignedRates), Arrays.stream(countSignedRates).max().orElseThrow());
        System.out.printf("ratio recorder/raw (median of per-round ratios): %.2f   (target >= 0.60)%n",
                median(ratios(recorderRates, rawRates)));
        System.out.printf("ratio heads every 1 s / signing by count (median of per-round ratios): %.2f   (target >= 0.90)%n",
                median(ratios(recorderRates, countSignedRates)));
        double treeNanos = treeNanosPerEntry(records.length);
        System.out.printf("Merkle tree alone: %.0f ns per entry, %.1f%% of the recorder's time per entry%n",
                treeNanos, 100 * treeNanos / (1e9 / recMedian));
        System.out.printf("record() in the caller: p50 %.2f us, p99 %.2f us (median over rounds; target p99 < 5 us)%n",
                median(toDouble(p50s)) / 1000.0, median(toDouble(p99s)) / 1000.0);
        System.out.printf("target >= 150,000 entries/s: %s%n", recMedian >= 150_000 ? "met" : "NOT met");
        deleteTree(dir);
    }

    private static CallRecord[] generate(int n) {
        TrafficGenerator generator = new TrafficGenerator(42, Instant.parse("2026-11-01T00:00:00Z"),
                3_600_000L * 24 * 7, n);
        CallRecord[] records = new CallRecord[n];
        for (int i = 0; i < n; i++) {
            records[i] = generator.next();
        }
        return records;
    }

    private static void warmUp(Path dir) throws Exception {
        CallRecord[] few = generate(200_000);
        throughRecorder(dir.resolve("warm-rec.db"), dir.resolve("warm-data"), few, new long[few.length],
                RecorderConfig.DEFAULT_SIGN_INTERVAL);
        throughRecorder(dir.resolve("warm-cnt.db"), dir.resolve("warm-cnt-data"), few, new long[few.length],
                COUNT_SIGNED);
        rawInsert(dir.resolve("warm-raw.db"), few);
    }

    /** Entries per second from the first record() until everything is committed. */
    private static double throughRecorder(Path db, Path dataDir, CallRecord[] records, long[] callerNanos,
            Duration signInterval) throws Exception {
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            RecorderConfig config = RecorderConfig.defaults("bench", dataDir).withQueueCapacity(1 << 20)
                    .withSignInterval(signInterval);
            Recorder recorder = Recorder.start(store, config, Clock.systemUTC());
            long start = System.nanoTime();
            for (int i = 0; i < records.length; i++) {
                long t0 = System.nanoTime();
                recorder.record(records[i]);
                callerNanos[i] = System.nanoTime() - t0;
            }
            recorder.flush();
            long elapsed = System.nanoTime() - start;
            if (recorder.stats().spilled() > 0 || recorder.stats().lost() > 0) {
                System.out.printf("  (recorder spilled %d, lost %d)%n", recorder.stats().spilled(),
                        recorder.stats().lost());
            }
            recorder.close();
            return records.length / (elapsed / 1e9);
        }
    }

    /**
     * Nanoseconds per entry to add entries to a Merkle frontier, as the writer does for each entry
     * (leaf hash plus the merges it completes), best of three passes over as many entries.
     */
    private static double treeNanosPerEntry(int n) {
        String[] hashes = new String[Math.min(n, 1 << 16)];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = HexFormat.of().formatHex(EntryHasher.sha256().digest(Integer.toString(i).getBytes()));
        }
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 3; pass++) {
            MerkleFrontier tree = new MerkleFrontier();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                tree.appendEntry(hashes[i % hashes.length]);
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) n);
            if (tree.size() != n) {
                throw new IllegalStateException("tree size " + tree.size() + " (expected: " + n + ")");
            }
        }
        return best;
    }

    /** Rows per second for plain batched inserts of the same rows into the same schema. */
    private static double rawInsert(Path db, CallRecord[] records) throws Exception {
        SqliteAuditStore.open(db).close(); // creates the same schema
        ChainedEntry[] rows = new ChainedEntry[records.length];
        String prev = EntryHasher.GENESIS;
        for (int i = 0; i < records.length; i++) {
            rows[i] = EntryHasher.chain("raw", i + 1, prev, records[i]);
            prev = rows[i].hash();
        }
        int batch = RecorderConfig.DEFAULT_BATCH_SIZE;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (var s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
            }
            c.setAutoCommit(false);
            PreparedStatement entry = c.prepareStatement("INSERT INTO entries (row_id, chain, seq, id, kind, ts, key_id, "
                    + "model, provider, status, user_id, event_type, prev_hash, hash, body) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            PreparedStatement tag = c.prepareStatement("INSERT INTO call_tags (name, value, row_id) VALUES (?, ?, ?)");
            long start = System.nanoTime();
            for (int i = 0; i < rows.length; i++) {
                ChainedEntry row = rows[i];
                IndexColumns col = IndexColumns.of(row.entry());
                entry.setLong(1, i + 1);
                entry.setString(2, row.chain());
                entry.setLong(3, row.seq());
                entry.setString(4, col.id());
                entry.setString(5, col.kind());
                entry.setLong(6, col.ts());
                entry.setString(7, col.keyId());
                entry.setString(8, col.model());
                entry.setString(9, col.provider());
                entry.setString(10, col.status());
                entry.setString(11, col.user());
                entry.setString(12, col.eventType());
                entry.setString(13, row.prevHash());
                entry.setString(14, row.hash());
                entry.setBytes(15, row.canonicalBytes());
                entry.addBatch();
                for (Map.Entry<String, String> t : records[i].tags().entrySet()) {
                    tag.setString(1, t.getKey());
                    tag.setString(2, t.getValue());
                    tag.setLong(3, i + 1);
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
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] / b[i];
        }
        return out;
    }

    private static double[] toDouble(long[] values) {
        return Arrays.stream(values).asDoubleStream().toArray();
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
