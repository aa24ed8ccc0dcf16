package dev.tally.audit.adjust;

import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.rollup.RollupKey;
import dev.tally.audit.store.AuditQueries;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost adjustments of a usage report, added up like its calls: each adjustment counts under
 * the adjusted call's time and dimensions (key, model, provider, status, user, tags), so a group
 * of a report has the adjustments of exactly the calls it counts. A report's
 * {@code adjusted_cost_micros} is its {@code cost_micros} plus these. Immutable.
 *
 * @param totalMicros the sum of every matching adjustment's delta
 * @param byGroup the sums by group key: the values of the query's {@code group_by}, in order
 *     (hour and day ISO-8601, as {@link dev.tally.audit.rollup.UsageGroups} names them)
 */
public record UsageAdjustments(long totalMicros, Map<List<String>, Long> byGroup) {

    /** No adjustment at all. */
    public static final UsageAdjustments NONE = new UsageAdjustments(0, Map.of());

    public UsageAdjustments {
        byGroup = Collections.unmodifiableMap(new HashMap<>(byGroup));
    }

    /** The adjustments of the calls {@code query} counts, read from {@code store}. */
    public static UsageAdjustments of(AuditQueries store, UsageQuery query) {
        AdjustmentFilter filter = new AdjustmentFilter(query.since(), query.until(), null, query.keyId(), query.model(),
                query.provider(), query.status() == null ? null : dev.tally.audit.json.Json.wire(query.status()),
                query.user(), query.tag());
        return of(store.adjustments(filter), query.groupBy());
    }

    /** {@code adjustments} added up by {@code groupBy}. */
    public static UsageAdjustments of(List<CostAdjustment> adjustments, List<GroupBy> groupBy) {
        long total = 0;
        Map<List<String>, Long> groups = new HashMap<>();
        for (CostAdjustment a : adjustments) {
            total = Math.addExact(total, a.deltaMicros());
            groups.merge(groupKey(a, groupBy), a.deltaMicros(), Math::addExact);
        }
        return new UsageAdjustments(total, groups);
    }

    /** The adjustments of {@code group}, 0 when none. */
    public long of(UsageGroup group, List<GroupBy> groupBy) {
        List<String> key = new ArrayList<>(groupBy.size());
        for (GroupBy g : groupBy) {
            key.add(group.group().get(g.wireName()));
        }
        return byGroup.getOrDefault(key, 0L);
    }

    private static List<String> groupKey(CostAdjustment a, List<GroupBy> groupBy) {
        List<String> key = new ArrayList<>(groupBy.size());
        long time = a.recordStartedAt().toEpochMilli();
        for (GroupBy g : groupBy) {
            key.add(switch (g) {
                case GroupBy.Dimension d -> switch (d) {
                    case MODEL -> a.model();
                    case KEY -> RollupKey.absent(a.keyId());
                    case PROVIDER -> RollupKey.absent(a.provider());
                    case STATUS -> a.status();
                    case USER -> RollupKey.absent(a.user());
                    case HOUR -> a.recordStartedAt().truncatedTo(ChronoUnit.HOURS).toString();
                    case DAY -> LocalDate.ofEpochDay(Math.floorDiv(time, RollupKey.DAY_MS)).toString();
                    case HOUR_OF_DAY -> Long.toString(Math.floorMod(Math.floorDiv(time, RollupKey.HOUR_MS), 24));
                };
                case GroupBy.Tag t -> a.tags().get(t.name());
            });
        }
        return key;
    }

    /** Exact USD of {@code micros}, six fraction digits. */
    public static String usd(long micros) {
        return CostAdjustment.usd(micros);
    }
}
