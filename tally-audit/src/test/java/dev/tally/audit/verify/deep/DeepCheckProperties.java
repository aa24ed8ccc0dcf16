package dev.tally.audit.verify.deep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.rollup.RollupRow;
import dev.tally.audit.rollup.RollupTable;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * For any generated log (calls over three days, late ones among them, optionally a retention
 * run at any cut-off), the deep check of the untouched store finds nothing, and any one edit
 * of a derived row made behind the store's back (a changed measure of any rollup row, a deleted
 * rollup row, a deleted or added tag row) is found. Runs on SQLite, written by the real recorder.
 */
class DeepCheckProperties {

    static final String CHAIN = "gw-1";
    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    enum Tamper {
        EDIT_MEASURE, DELETE_ROLLUP_ROW, DELETE_TAG_ROW, ADD_TAG_ROW
    }

    @Property(tries = 40)
    void everyEditOfDerivedDataIsFound(@ForAll Tamper tamper, @ForAll @IntRange(min = 1, max = 40) int calls,
            @ForAll boolean prune, @ForAll @IntRange(min = 0, max = 72) int cutOffHour, @ForAll long seed)
            throws Exception {
        Path dir = Files.createTempDirectory("deep");
        try {
            Path db = dir.resolve("tally.db");
            SplittableRandom random = new SplittableRandom(seed);
            try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
                write(store, dir, random, calls, prune ? START.plusSeconds(cutOffHour * 3600L) : null);
                DeepReport clean = DeepCheck.run(store);
                assertThat(clean.differences()).as("untouched").isEmpty();
            }
            boolean tampered = tamper(db, tamper, random);
            try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
                DeepReport report = DeepCheck.run(store);
                assertThat(report.ok()).as("%s (applied: %s)", tamper, tampered).isEqualTo(!tampered);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void write(SqliteAuditStore store, Path dir, SplittableRandom random, int calls, Instant cutOff)
            throws InterruptedException {
        Entries entries = new Entries();
        Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dir.resolve("data")),
                Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC));
        try {
            List<String> models = List.of("gpt-4o", "gpt-4o-mini", "claude-sonnet");
            CallStatus[] statuses = CallStatus.values();
            for (int i = 0; i < calls; i++) {
                // Mostly in order, some late: a call that started hours before the one recorded ahead of it.
                Instant at = START.plusSeconds(random.nextLong(3 * 86_400));
                CallRecord.Builder call = random.nextInt(6) == 0 ? entries.bareCall(at) : entries.call(at)
                        .model(models.get(random.nextInt(models.size())))
                        .keyId("key-" + random.nextInt(3))
                        .status(statuses[random.nextInt(statuses.length)])
                        .costMicros(random.nextInt(4) == 0 ? null : (long) random.nextInt(50_000))
                        .durationMs((long) random.nextInt(5_000))
                        .ttftMs(random.nextBoolean() ? null : (long) random.nextInt(900));
                if (random.nextBoolean()) {
                    call.user("u" + random.nextInt(3));
                }
                Map<String, String> tags = new HashMap<>();
                for (String name : List.of("team", "env")) {
                    if (random.nextBoolean()) {
                        tags.put(name, name + random.nextInt(2));
                    }
                }
                recorder.record(call.tags(tags).build());
            }
            recorder.flush();
            if (cutOff != null) {
                recorder.prune(cutOff, "cli");
            }
        } finally {
            recorder.close();
        }
    }

    /** Applies one edit; false when there was nothing to edit (no rollup or tag row at all). */
    private static boolean tamper(Path db, Tamper tamper, SplittableRandom random) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            switch (tamper) {
                case EDIT_MEASURE, DELETE_ROLLUP_ROW -> {
                    RollupTable table = RollupTable.values()[random.nextInt(RollupTable.values().length)];
                    String rowid = "SELECT " + String.join(" || '|' || ", table.keyColumns()) + " FROM "
                            + table.tableName() + " LIMIT 1 OFFSET ";
                    long rows = count(s, "SELECT count(*) FROM " + table.tableName());
                    if (rows == 0) {
                        return false;
                    }
                    String where = " WHERE (" + String.join(" || '|' || ", table.keyColumns()) + ") = (" + rowid
                            + random.nextLong(rows) + ")";
                    if (tamper == Tamper.DELETE_ROLLUP_ROW) {
                        return s.executeUpdate("DELETE FROM " + table.tableName() + where) == 1;
                    }
                    List<RollupRow.Column> columns = RollupRow.columns(table);
                    String column = columns.get(random.nextInt(columns.size())).sql();
                    long delta = random.nextBoolean() ? 1 : -(1 + random.nextInt(1000));
                    return s.executeUpdate("UPDATE " + table.tableName() + " SET " + column + " = " + column + " + "
                            + delta + where) == 1;
                }
                case DELETE_TAG_ROW -> {
                    long rows = count(s, "SELECT count(*) FROM call_tags");
                    return rows > 0 && s.executeUpdate("DELETE FROM call_tags WHERE (name, value, row_id) IN "
                            + "(SELECT name, value, row_id FROM call_tags LIMIT 1 OFFSET " + random.nextLong(rows)
                            + ")") == 1;
                }
                case ADD_TAG_ROW -> {
                    long row = count(s, "SELECT coalesce(min(row_id), 0) FROM entries WHERE kind = 'call'");
                    return row != 0 && s.executeUpdate("INSERT INTO call_tags (name, value, row_id) VALUES "
                            + "('forged', 'x', " + row + ")") == 1;
                }
            }
            throw new IllegalStateException("tamper: " + tamper);
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
