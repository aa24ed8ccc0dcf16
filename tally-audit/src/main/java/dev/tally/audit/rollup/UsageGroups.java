package dev.tally.audit.rollup;

import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups of a usage report while a store adds up the parts of its {@link UsagePlan}: rollup
 * rows and raw calls go to the group their dimension values name, so rows of different tables
 * and raw calls add up through the same {@link UsageTotals}. Store-independent.
 *
 * <p>A group key is the list of the values of the query's {@code group_by} dimensions, in order
 * (null = absent); hour and day are ISO-8601 ({@code 2026-03-02T10:00:00Z}, {@code 2026-03-02}),
 * hour of day is {@code 0..23}. Not thread-safe.
 */
public final class UsageGroups {

    private final UsageQuery query;
    private final Map<List<String>, UsageTotals> groups = new HashMap<>();
    // Raw calls of an edge hour outside the range, taken out of their groups in groups().
    private final Map<List<String>, UsageTotals> excluded = new HashMap<>();
    // Rows arrive mostly in time order: remember the last hour and day formatted.
    private long lastHour = Long.MIN_VALUE;
    private String lastHourText;
    private long lastDay = Long.MIN_VALUE;
    private String lastDayText;

    public UsageGroups(UsageQuery query) {
        this.query = query;
    }

    /**
     * Whether the rows of {@code table} are read as the tagged part of the untagged table's rows
     * (see {@link UsagePlan}): the report groups by a tag and filters on none.
     */
    public boolean subtractsTagged(RollupTable table) {
        return table.tagged() && query.tag().isEmpty();
    }

    /**
     * The totals of the group a rollup row belongs to; add the row to them.
     *
     * @param key the row's key as stored ({@code ""} = absent)
     */
    public UsageTotals forRow(RollupKey key) {
        return group(groups, key.hour(), RollupKey.absent(key.keyId()), RollupKey.absent(key.model()),
                RollupKey.absent(key.provider()), key.status(), RollupKey.absent(key.user()),
                RollupKey.absent(key.tagValue()));
    }

    /**
     * The totals of the group without the tag that a tag row's calls are part of: subtract the
     * row from them, after every row of the untagged table over the same part was added.
     */
    public UsageTotals untaggedForRow(RollupKey key) {
        return group(groups, key.hour(), RollupKey.absent(key.keyId()), RollupKey.absent(key.model()),
                RollupKey.absent(key.provider()), key.status(), RollupKey.absent(key.user()), null);
    }

    /**
     * The totals of the group a raw call row belongs to; add the call to them. A row read for a
     * plan's {@link UsagePlan.ExcludedCalls} part goes to totals that {@link #groups()} subtracts
     * from its group instead.
     *
     * @param excluded whether the row was read for an {@link UsagePlan.ExcludedCalls} part
     * @param startedAt epoch ms
     * @param tagValue the call's value of the grouped tag, or null (ignored when not grouping by a tag)
     * @param keyId the other columns as stored: an empty string or null is an absent value
     */
    public UsageTotals forCall(boolean excluded, long startedAt, String keyId, String model, String provider,
            String status, String user, String tagValue) {
        return group(excluded ? this.excluded : groups, startedAt, RollupKey.absent(keyId), RollupKey.absent(model),
                RollupKey.absent(provider), status, RollupKey.absent(user), RollupKey.absent(tagValue));
    }

    /** The tag the report groups by, or null. */
    public GroupBy.Tag tagGroup() {
        for (GroupBy g : query.groupBy()) {
            if (g instanceof GroupBy.Tag t) {
                return t;
            }
        }
        return null;
    }

    /** The groups with at least one call, after the excluded calls were taken out of them. */
    public Map<List<String>, UsageTotals> groups() {
        excluded.forEach((k, t) -> groups.computeIfAbsent(k, x -> new UsageTotals()).subtract(t));
        excluded.clear();
        groups.values().removeIf(t -> t.calls() == 0);
        return groups;
    }

    private String hour(long time) {
        long hour = RollupTable.Grain.HOUR.floor(time);
        if (hour != lastHour) {
            lastHour = hour;
            lastHourText = Instant.ofEpochMilli(hour).toString();
        }
        return lastHourText;
    }

    private String day(long time) {
        long day = Math.floorDiv(time, RollupKey.DAY_MS);
        if (day != lastDay) {
            lastDay = day;
            lastDayText = LocalDate.ofEpochDay(day).toString();
        }
        return lastDayText;
    }

    private UsageTotals group(Map<List<String>, UsageTotals> into, long time, String keyId, String model,
            String provider, String status, String user, String tagValue) {
        String[] values = new String[query.groupBy().size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (query.groupBy().get(i)) {
                case GroupBy.Dimension d -> switch (d) {
                    case MODEL -> model;
                    case KEY -> keyId;
                    case PROVIDER -> provider;
                    case STATUS -> status;
                    case USER -> user;
                    case HOUR -> hour(time);
                    case DAY -> day(time);
                    case HOUR_OF_DAY -> Long.toString(Math.floorMod(Math.floorDiv(time, RollupKey.HOUR_MS), 24));
                };
                case GroupBy.Tag t -> tagValue;
            };
        }
        return into.computeIfAbsent(Arrays.asList(values), k -> new UsageTotals());
    }
}
