package dev.tally.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.recorder.Entries;
import dev.tally.audit.recorder.MutableClock;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.IndexColumns;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever one tampering with the SQLite file through plain JDBC does to the log, the verifier
 * finds it and names the seq where it happened.
 */
class TamperPropertyTest {

    static final String CHAIN = "gw-1";

    enum Tamper {
        /** Change a byte of a field in the body; leave the hash. */
        EDIT_BODY,
        /** Change a field in the body and store the hash of the new body. */
        EDIT_BODY_AND_REHASH,
        /** Change one of the index columns beside the body. */
        EDIT_COLUMN,
        /** Change the stored prev_hash or hash. */
        EDIT_HASH_COLUMN,
        /** Delete one row. */
        DELETE,
        /** Insert a row, renumbering the rows after it; the forged row's hashes are computed properly. */
        INSERT_FORGED,
        /** Insert a row with copied hashes, renumbering the rows after it. */
        INSERT_NAIVE,
        /** Exchange the seqs of two rows. */
        SWAP
    }

    static final String[] COLUMNS = {"id", "kind", "ts", "key_id", "model", "provider", "status", "user_id",
        "event_type"};

    @Property(tries = 60)
    void everyTamperingIsFoundAtTheSeqWhereItHappened(@ForAll Tamper tamper,
            @ForAll @IntRange(min = 2, max = 30) int size, @ForAll @IntRange(min = 1, max = 8) int checkpointEvery,
            @ForAll @IntRange(min = 0, max = 10_000) int a, @ForAll @IntRange(min = 0, max = 10_000) int b)
            throws Exception {
        Path dir = Files.createTempDirectory("tamper");
        try {
            Path db = dir.resolve("tally.db");
            writeChain(db, dir, size, checkpointEvery, a);
            try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
                assertThat(new Verifier(store).verify(CHAIN).ok()).isTrue();
            }

            long expected = tamper(db, tamper, size, a, b);

            try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
                VerifyReport report = new Verifier(store).verify();
                assertThat(report.ok()).isFalse();
                FirstBad firstBad = report.chain(CHAIN).firstBad();
                assertThat(firstBad).as("%s on a chain of %d", tamper, size).isNotNull();
                assertThat(firstBad.seq()).as("%s on a chain of %d: %s", tamper, size, firstBad.reason())
                        .isEqualTo(expected);
            }
        } finally {
            deleteTree(dir);
        }
    }

    static void writeChain(Path db, Path dataDir, int size, int checkpointEvery, long seed) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        Entries entries = new Entries(clock, seed);
        try (SqliteAuditStore store = SqliteAuditStore.open(db);
                Recorder recorder = Recorder.start(store,
                        RecorderConfig.defaults(CHAIN, dataDir).withCheckpointEvery(checkpointEvery), clock)) {
            for (int i = 0; i < size; i++) {
                clock.advance(Duration.ofMillis(1 + i % 7));
                recorder.record(i % 3 == 2 ? entries.security() : entries.call());
            }
        }
    }

    /** Applies the tampering and returns the seq the verifier must name. */
    static long tamper(Path db, Tamper tamper, int size, int a, int b) throws SQLException {
        long s = 1 + a % size;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            switch (tamper) {
                case EDIT_BODY -> {
                    byte[] body = flipIdDigit(select(c, "body", s));
                    update(c, "UPDATE entries SET body = ? WHERE chain = ? AND seq = ?", body, s);
                    return s;
                }
                case EDIT_BODY_AND_REHASH -> {
                    byte[] body = flipIdDigit(select(c, "body", s));
                    String prev = new String(select(c, "prev_hash", s), StandardCharsets.UTF_8);
                    update(c, "UPDATE entries SET body = ?, hash = ? WHERE chain = ? AND seq = ?", body,
                            EntryHasher.hash(CHAIN, s, prev, body), s);
                    return s;
                }
                case EDIT_COLUMN -> {
                    String column = COLUMNS[b % COLUMNS.length];
                    String change = column.equals("ts") ? "ts + 1" : "coalesce(" + column + ", '') || 'x'";
                    update(c, "UPDATE entries SET " + column + " = " + change + " WHERE chain = ? AND seq = ?", s);
                    return s;
                }
                case EDIT_HASH_COLUMN -> {
                    String column = b % 2 == 0 ? "hash" : "prev_hash";
                    String hash = new String(select(c, column, s), StandardCharsets.UTF_8);
                    String other = (hash.charAt(0) == 'a' ? "b" : "a") + hash.substring(1);
                    update(c, "UPDATE entries SET " + column + " = ? WHERE chain = ? AND seq = ?", other, s);
                    return s;
                }
                case DELETE -> {
                    update(c, "DELETE FROM entries WHERE chain = ? AND seq = ?", s);
                    return s;
                }
                case INSERT_FORGED, INSERT_NAIVE -> {
                    // make room at s: move the rows from s up by one, through negative seqs (UNIQUE)
                    update(c, "UPDATE entries SET seq = -(seq + 1) WHERE chain = ? AND seq >= ?", s);
                    update(c, "UPDATE entries SET seq = -seq WHERE chain = ? AND seq < 0");
                    CallRecord forged = new Entries(new MutableClock(Instant.parse("2026-03-01T11:00:00Z")), b)
                            .call();
                    byte[] body = EntryHasher.canonicalBytes(forged);
                    String prev;
                    String hash;
                    if (tamper == Tamper.INSERT_FORGED) {
                        prev = s == 1 ? EntryHasher.GENESIS
                                : new String(select(c, "hash", s - 1), StandardCharsets.UTF_8);
                        hash = EntryHasher.hash(CHAIN, s, prev, body);
                    } else {
                        prev = new String(select(c, "prev_hash", s + 1), StandardCharsets.UTF_8);
                        hash = new String(select(c, "hash", s + 1), StandardCharsets.UTF_8);
                    }
                    IndexColumns cols = IndexColumns.of(forged);
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO entries (chain, seq, id, kind, ts,"
                            + " key_id, model, provider, status, user_id, event_type, prev_hash, hash, body)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        Object[] values = {CHAIN, s, cols.id(), cols.kind(), cols.ts(), cols.keyId(), cols.model(),
                            cols.provider(), cols.status(), cols.user(), cols.eventType(), prev, hash, body};
                        for (int i = 0; i < values.length; i++) {
                            p.setObject(i + 1, values[i]);
                        }
                        p.executeUpdate();
                    }
                    return s;
                }
                case SWAP -> {
                    long other = 1 + b % size;
                    if (other == s) {
                        other = s == size ? s - 1 : s + 1;
                    }
                    update(c, "UPDATE entries SET seq = -1 WHERE chain = ? AND seq = ?", s);
                    update(c, "UPDATE entries SET seq = ? WHERE chain = ? AND seq = ?", s, other);
                    update(c, "UPDATE entries SET seq = ? WHERE chain = ? AND seq = -1", other);
                    return Math.min(s, other);
                }
            }
        }
        throw new AssertionError(tamper);
    }

    /** The body with one hex digit of its id changed: still canonical, still parses. */
    static byte[] flipIdDigit(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int at = text.indexOf("\"id\":\"") + 6 + 35; // the last digit of the UUID
        char digit = text.charAt(at);
        char other = digit == '0' ? '1' : '0';
        return (text.substring(0, at) + other + text.substring(at + 1)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] select(Connection c, String column, long seq) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + column + " FROM entries WHERE chain = ? AND seq = ?")) {
            p.setString(1, CHAIN);
            p.setLong(2, seq);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no row at seq " + seq);
                }
                return rs.getBytes(1);
            }
        }
    }

    /** Runs {@code sql}: leading values bind first, then the chain and, when given, a seq (last value). */
    static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int i = 1;
            int count = sql.chars().map(ch -> ch == '?' ? 1 : 0).sum();
            // values before "chain = ?" are leading; the chain goes where the first "chain = ?" is
            int chainAt = countMarks(sql.substring(0, sql.indexOf("chain = ?"))) + 1;
            int v = 0;
            for (; i <= count; i++) {
                if (i == chainAt) {
                    p.setString(i, CHAIN);
                } else {
                    p.setObject(i, values[v++]);
                }
            }
            p.executeUpdate();
        }
    }

    static int countMarks(String sql) {
        return (int) sql.chars().filter(ch -> ch == '?').count();
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
