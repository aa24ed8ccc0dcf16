package dev.tally.audit.rollup;

import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which rows a usage report reads, so that it is exact for any bounds while reading as few
 * rows as possible. Store-independent: a store executes the parts and adds them up.
 *
 * <h2>Choosing the tables</h2>
 * The report needs the dimensions it groups or filters by (key, model, provider, status, user,
 * tag). The hourly table is the first of {@code model_rollups}, {@code rollups},
 * {@code user_rollups}, {@code tag_rollups} that carries all of them (the first is the
 * smallest); its day table ({@code model_day_rollups}, {@code day_rollups},
 * {@code user_day_rollups}, {@code tag_day_rollups}) serves the whole UTC days of the range
 * unless the report needs the status or groups by hour or hour of day. When no hourly table
 * carries the dimensions (for example user with model, key with a tag, or a tag filter with
 * a group by another tag), the whole range is aggregated from the raw call rows: exact, and
 * bounded by the range and the key or model filter, but not cheap over long ranges.
 *
 * <h2>Splitting the range</h2>
 * {@code [since, until)}: whole days from the day table, the whole hours before the first and
 * after the last whole day from the hourly table, and the partial hours at either edge from the
 * raw call rows. Of a partial edge hour the plan reads the smaller side: the calls inside the
 * range ({@link Calls}), or the whole hour's rollup rows minus the calls of the hour outside the
 * range ({@link ExcludedCalls}; counts, sums and histograms subtract exactly). So each edge reads
 * at most half an hour of raw rows, and a 30-day report by model reads 29 days of
 * {@code model_day_rollups} (a row per model a day), 23 or 24 hours of {@code model_rollups} and
 * at most one hour of raw rows in all.
 *
 * <h2>Grouping by a tag</h2>
 * A tag table holds only calls that carry the tag. When a report groups by a tag without
 * filtering on it, the group of calls without the tag is the {@link RollupTable#untagged()}
 * table's rows minus the tag table's rows over the same part (counts and histograms subtract
 * exactly); a store reads the untagged rows of the part first, then the tagged ones.
 *
 * @param hourly the hourly table read, or null when the report reads raw rows only
 * @param daily the day table read, or null
 * @param parts the rows to read: the ranges of the parts that add ({@link Rollups}, {@link Calls})
 *     are disjoint and cover {@code [since, until)} plus the ranges of the {@link ExcludedCalls},
 *     which lie outside {@code [since, until)} and are subtracted
 */
public record UsagePlan(RollupTable hourly, RollupTable daily, List<Part> parts) {

    private static final List<RollupTable> HOURLY_TABLES = List.of(RollupTable.MODEL_HOURLY, RollupTable.HOURLY,
            RollupTable.USER_HOURLY, RollupTable.TAG_HOURLY);

    public UsagePlan {
        parts = List.copyOf(parts);
    }

    /** Rows to read. Bounds are epoch ms, {@code from} inclusive, {@code to} exclusive, null unbounded. */
    public sealed interface Part {
        Long from();

        Long to();
    }

    /** Rollup rows of {@code table} whose time bucket starts in {@code [from, to)}; bounds on its grain. */
    public record Rollups(RollupTable table, Long from, Long to) implements Part {
    }

    /** Raw call rows started in {@code [from, to)}. */
    public record Calls(Long from, Long to) implements Part {
    }

    /**
     * Raw call rows started in {@code [from, to)} to subtract: the part of an edge hour outside
     * the report's range, whose whole hour a {@link Rollups} part adds. Bounds are never null.
     */
    public record ExcludedCalls(Long from, Long to) implements Part {
    }

    /** The plan for {@code query}. */
    public static UsagePlan of(UsageQuery query) {
        Long since = query.since() == null ? null : query.since().toEpochMilli();
        Long until = query.until() == null ? null : query.until().toEpochMilli();
        Set<RollupTable.Dimension> needed = needed(query);
        RollupTable hourly = needed == null ? null
                : HOURLY_TABLES.stream().filter(t -> t.dimensions().containsAll(needed)).findFirst().orElse(null);
        List<Part> parts = new ArrayList<>();
        if (since != null && until != null && since >= until) {
            return new UsagePlan(hourly, null, parts);
        }
        if (hourly == null) {
            parts.add(new Calls(since, until));
            return new UsagePlan(null, null, parts);
        }
        RollupTable daily = daily(hourly);
        boolean byHour = query.groupBy().contains(GroupBy.Dimension.HOUR)
                || query.groupBy().contains(GroupBy.Dimension.HOUR_OF_DAY);
        if (!byHour && daily.dimensions().containsAll(needed)) {
            RollupTable.Grain day = RollupTable.Grain.DAY;
            Long dayFrom = since == null ? null : day.ceil(since);
            Long dayTo = until == null ? null : day.floor(until);
            if (dayFrom == null || dayTo == null || dayFrom < dayTo) {
                parts.add(new Rollups(daily, dayFrom, dayTo));
                if (since != null && since < dayFrom) {
                    hours(hourly, since, dayFrom, parts);
                }
                if (until != null && dayTo < until) {
                    hours(hourly, dayTo, until, parts);
                }
                return new UsagePlan(hourly, daily, parts);
            }
        }
        hours(hourly, since, until, parts);
        return new UsagePlan(hourly, null, parts);
    }

    /**
     * Adds {@code [since, until)} (null: unbounded, never both null-free and empty) as whole hours
     * and raw edges; of each partial edge hour the smaller side is read raw.
     */
    private static void hours(RollupTable hourly, Long since, Long until, List<Part> parts) {
        RollupTable.Grain hour = RollupTable.Grain.HOUR;
        Long from = since == null ? null : hour.ceil(since);
        Long to = until == null ? null : hour.floor(until);
        if (from != null && to != null && from > to) {
            // Both ends inside one hour: its calls in the range, or the whole hour minus both sides.
            long hourStart = to;
            long hourEnd = from;
            if (hour.millis() - (until - since) < until - since) {
                parts.add(new Rollups(hourly, hourStart, hourEnd));
                parts.add(new ExcludedCalls(hourStart, since));
                parts.add(new ExcludedCalls(until, hourEnd));
            } else {
                parts.add(new Calls(since, until));
            }
            return;
        }
        Long rollupFrom = from;
        Long rollupTo = to;
        Part lower = null;
        Part upper = null;
        if (since != null && since < from) {
            long hourStart = from - hour.millis();
            if (since - hourStart < from - since) {
                rollupFrom = hourStart;
                lower = new ExcludedCalls(hourStart, since);
            } else {
                lower = new Calls(since, from);
            }
        }
        if (until != null && to < until) {
            long hourEnd = to + hour.millis();
            if (hourEnd - until < until - to) {
                rollupTo = hourEnd;
                upper = new ExcludedCalls(until, hourEnd);
            } else {
                upper = new Calls(to, until);
            }
        }
        if (rollupFrom == null || rollupTo == null || rollupFrom < rollupTo) {
            parts.add(new Rollups(hourly, rollupFrom, rollupTo));
        }
        if (lower != null) {
            parts.add(lower);
        }
        if (upper != null) {
            parts.add(upper);
        }
    }

    /**
     * The stored dimensions a query groups or filters by, or null when no table can serve it (a
     * tag filter with a group by another tag would need two tags on one row).
     */
    static Set<RollupTable.Dimension> needed(UsageQuery query) {
        Set<RollupTable.Dimension> needed = EnumSet.noneOf(RollupTable.Dimension.class);
        for (GroupBy g : query.groupBy()) {
            switch (g) {
                case GroupBy.Dimension d -> {
                    switch (d) {
                        case MODEL -> needed.add(RollupTable.Dimension.MODEL);
                        case KEY -> needed.add(RollupTable.Dimension.KEY);
                        case PROVIDER -> needed.add(RollupTable.Dimension.PROVIDER);
                        case STATUS -> needed.add(RollupTable.Dimension.STATUS);
                        case USER -> needed.add(RollupTable.Dimension.USER);
                        case HOUR, DAY, HOUR_OF_DAY -> {
                        }
                    }
                }
                case GroupBy.Tag t -> {
                    if (!query.tag().isEmpty() && !query.tag().containsKey(t.name())) {
                        return null;
                    }
                    needed.add(RollupTable.Dimension.TAG);
                }
            }
        }
        if (query.keyId() != null) {
            needed.add(RollupTable.Dimension.KEY);
        }
        if (query.model() != null) {
            needed.add(RollupTable.Dimension.MODEL);
        }
        if (query.provider() != null) {
            needed.add(RollupTable.Dimension.PROVIDER);
        }
        if (query.status() != null) {
            needed.add(RollupTable.Dimension.STATUS);
        }
        if (query.user() != null) {
            needed.add(RollupTable.Dimension.USER);
        }
        if (!query.tag().isEmpty()) {
            needed.add(RollupTable.Dimension.TAG);
        }
        return needed;
    }

    private static RollupTable daily(RollupTable hourly) {
        return switch (hourly) {
            case MODEL_HOURLY -> RollupTable.MODEL_DAILY;
            case HOURLY -> RollupTable.DAILY;
            case USER_HOURLY -> RollupTable.USER_DAILY;
            case TAG_HOURLY -> RollupTable.TAG_DAILY;
            case MODEL_DAILY, DAILY, USER_DAILY, TAG_DAILY -> throw new IllegalArgumentException("hourly: " + hourly
                    + " (expected: an hourly table)");
        };
    }
}
