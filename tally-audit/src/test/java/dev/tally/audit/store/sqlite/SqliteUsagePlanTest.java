package dev.tally.audit.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.store.jdbc.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every statement a bounded usage report runs is an index range: rollup tables by their primary
 * key's time (after the tag name for tag tables), raw edge rows by the call index on time (or
 * key/model and time). A full scan would make a report's cost grow with the whole table.
 */
class SqliteUsagePlanTest {

    private static final Instant SINCE = Instant.parse("2026-10-01T10:20:00Z");
    private static final Instant UNTIL = Instant.parse("2026-10-31T10:20:00Z");

    @TempDir
    Path dir;

    @Test
    void boundedReportsReadIndexRangesOnly() throws Exception {
        SqliteAuditStore.open(dir.resolve("tally.db")).close();
        List<UsageQuery> queries = List.of(
                UsageQuery.over(SINCE, UNTIL, List.of(GroupBy.Dimension.MODEL)),
                UsageQuery.over(SINCE, UNTIL, List.of(GroupBy.Dimension.DAY)),
                UsageQuery.over(SINCE, UNTIL, List.of(GroupBy.Dimension.STATUS, GroupBy.Dimension.HOUR_OF_DAY)),
                UsageQuery.over(SINCE, UNTIL, List.of(GroupBy.Dimension.USER)),
                UsageQuery.over(SINCE, UNTIL, List.of(new GroupBy.Tag("tier"), GroupBy.Dimension.MODEL)),
                new UsageQuery(SINCE, UNTIL, List.of(GroupBy.Dimension.HOUR), "k1", null, null, CallStatus.ERROR,
                        null, Map.of(), null, null),
                new UsageQuery(SINCE, UNTIL, List.of(GroupBy.Dimension.DAY), null, null, null, null, "u1", Map.of(),
                        null, null),
                new UsageQuery(SINCE, UNTIL, List.of(GroupBy.Dimension.MODEL), null, null, null, null, null,
                        Map.of("tier", "gold"), null, null),
                new UsageQuery(SINCE, UNTIL, List.of(GroupBy.Dimension.USER), null, "m1", null, null, null, Map.of(),
                        null, null));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"))) {
            for (UsageQuery query : queries) {
                for (Sql sql : SqliteUsage.statements(query)) {
                    List<String> plan = plan(c, sql);
                    assertThat(plan).as("plan of a statement of %s", query).isNotEmpty()
                            .noneMatch(line -> line.startsWith("SCAN") || line.contains("TEMP B-TREE"));
                    assertThat(plan.getFirst()).as("%s", query)
                            .matches("SEARCH \\w+ USING (PRIMARY KEY|INDEX entries_calls_\\w+) \\(.*(hour|day|ts)>\\?"
                                    + " AND (hour|day|ts)<\\?\\)");
                }
            }
        }
    }

    private static List<String> plan(Connection c, Sql sql) throws Exception {
        List<String> lines = new ArrayList<>();
        try (PreparedStatement s = sql.prepare(c, "EXPLAIN QUERY PLAN "); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                lines.add(rs.getString(4));
            }
        }
        return lines;
    }
}
