package dev.tally.audit.store.postgres;

import dev.tally.audit.rollup.RollupKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The day partitions of {@code entries} and {@code call_tags}: one pair per UTC day, named
 * {@code entries_pYYYYMMDD} / {@code call_tags_pYYYYMMDD}, holding {@code [day start, next day
 * start)} of {@code ts} in epoch milliseconds.
 *
 * <p>Creating: partitions for today and the coming days are made ahead of time (at open and by
 * the store's maintenance task), so the write path normally finds its partition; a batch with
 * an entry of a day without one (a late record, a backfill) has it created first, in its own
 * short transaction. Creation runs under a transaction-scoped advisory lock so instances do not
 * race on the catalog.
 *
 * <p>Dropping: a day's partitions are dropped whole, never emptied by DELETE, once every chain
 * with rows in them has pruned past its last row there ({@link #dropPruned}). Until then a
 * chain's pruned rows stay, invisible to every read (reads skip rows at or below the chain's
 * anchor). A chain that is never pruned keeps its days.
 *
 * <p>Identifiers are built only from a day number, never from input. Thread-safe.
 */
final class Partitions {

    /** Advisory lock key for partition DDL ("tally-pa"). */
    static final long DDL_LOCK = 0x74616c6c792d7061L;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final String[] TABLES = {"entries", "call_tags"};

    /** Days (epoch day numbers) known to have partitions. */
    private final Set<Long> known = ConcurrentHashMap.newKeySet();

    /** The UTC days (epoch day numbers) from the day of {@code from} through that of {@code to}. */
    static java.util.Set<Long> days(java.time.Instant from, java.time.Instant to) {
        java.util.Set<Long> days = new java.util.HashSet<>();
        for (long d = dayOf(from.toEpochMilli()); d <= dayOf(to.toEpochMilli()); d++) {
            days.add(d);
        }
        return days;
    }

    /** The epoch day of an entry time in epoch ms. */
    static long dayOf(long ts) {
        return Math.floorDiv(ts, RollupKey.DAY_MS);
    }

    static String suffix(long day) {
        return "_p" + LocalDate.ofEpochDay(day).format(NAME);
    }

    /** Reads the existing partitions from the catalog. */
    void refresh(Connection c) throws SQLException {
        known.clear();
        known.addAll(existing(c).keySet());
    }

    /** Whether {@code day} is known to have partitions (without asking the database). */
    boolean known(long day) {
        return known.contains(day);
    }

    /**
     * Creates the partitions of {@code days} that are missing, in one transaction of its own on
     * {@code c} (which must be in auto-commit mode); returns when committed.
     */
    void ensure(Connection c, Set<Long> days) throws SQLException {
        List<Long> missing = days.stream().filter(d -> !known.contains(d)).sorted().toList();
        if (missing.isEmpty()) {
            return;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
            for (long day : missing) {
                long from = day * RollupKey.DAY_MS;
                long to = from + RollupKey.DAY_MS;
                for (String table : TABLES) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + table + suffix(day) + " PARTITION OF " + table
                            + " FOR VALUES FROM (" + from + ") TO (" + to + ")");
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        known.addAll(missing);
    }

    /** Creates the partitions of the days from yesterday through {@code daysAhead} days after today. */
    void ensureAhead(Connection c, Instant now, int daysAhead) throws SQLException {
        long today = LocalDate.ofInstant(now, ZoneOffset.UTC).toEpochDay();
        Set<Long> days = new TreeSet<>();
        for (long d = today - 1; d <= today + daysAhead; d++) {
            days.add(d);
        }
        ensure(c, days);
    }

    /**
     * Drops the partitions of every day whose rows are all pruned: for each chain with rows in
     * it, its highest seq there is at or below the chain's anchor. Runs in one transaction of its
     * own on {@code c} (auto-commit mode), waiting at most {@code lockTimeoutMs} for the
     * partition locks, so a long reader delays the drop to a later run instead of stalling
     * writers behind it. Returns the dropped days.
     */
    List<Long> dropPruned(Connection c, long lockTimeoutMs) throws SQLException {
        Map<Long, String> days = existing(c);
        Map<String, Long> anchors = anchors(c);
        List<Long> droppable = new ArrayList<>();
        if (anchors.isEmpty()) {
            return droppable;
        }
        for (Map.Entry<Long, String> day : days.entrySet()) {
            if (allPruned(c, "entries" + suffix(day.getKey()), anchors)) {
                droppable.add(day.getKey());
            }
        }
        if (droppable.isEmpty()) {
            return droppable;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
            s.execute("SET LOCAL lock_timeout = " + lockTimeoutMs);
            Map<String, Long> now = anchors(c); // anchors never move backwards: still droppable
            for (long day : droppable) {
                if (!allPruned(c, "entries" + suffix(day), now)) {
                    continue; // a late record arrived meanwhile
                }
                for (String table : TABLES) {
                    s.execute("DROP TABLE IF EXISTS " + table + suffix(day));
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        droppable.forEach(known::remove);
        return droppable;
    }

    /**
     * Whether every row of {@code partition} is at or below its chain's anchor. Visits each
     * chain in the partition once by skipping through its primary key (chain, seq, ts), so the
     * cost does not grow with the rows.
     */
    private static boolean allPruned(Connection c, String partition, Map<String, Long> anchors) throws SQLException {
        String sql = "WITH RECURSIVE chains (chain) AS (SELECT min(chain) FROM " + partition
                + " UNION ALL SELECT (SELECT min(chain) FROM " + partition + " WHERE chain > chains.chain) FROM chains "
                + "WHERE chains.chain IS NOT NULL) "
                + "SELECT chain, (SELECT max(seq) FROM " + partition + " p WHERE p.chain = chains.chain) FROM chains "
                + "WHERE chain IS NOT NULL";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            boolean any = false;
            while (rs.next()) {
                any = true;
                Long anchor = anchors.get(rs.getString(1));
                if (anchor == null || rs.getLong(2) > anchor) {
                    return false;
                }
            }
            return any;
        }
    }

    private static Map<String, Long> anchors(Connection c) throws SQLException {
        Map<String, Long> result = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT chain, seq FROM anchors"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.put(rs.getString(1), rs.getLong(2));
            }
        }
        return result;
    }

    /** Existing entries partitions: epoch day to table name, oldest first. */
    static Map<Long, String> existing(Connection c) throws SQLException {
        Map<Long, String> result = new java.util.TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT child.relname FROM pg_inherits i "
                + "JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_class child ON child.oid = i.inhrelid "
                + "JOIN pg_namespace n ON n.oid = parent.relnamespace "
                + "WHERE parent.relname = 'entries' AND n.nspname = current_schema()");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (name.matches("entries_p\\d{8}")) {
                    result.put(LocalDate.parse(name.substring("entries_p".length()), NAME).toEpochDay(), name);
                }
            }
        }
        return result;
    }
}
