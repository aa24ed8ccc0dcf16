package dev.tally.gateway.organization;

import dev.tally.audit.adjust.UsageAdjustments;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.store.AuditQueries;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Answers one page of an organization route from the store's usage reports, that is from the
 * rollups ({@link UsageQuery}; which table serves which dimensions is {@code UsagePlan}'s choice,
 * docs/architecture.md "Usage rollups").
 *
 * <p>{@code 1d} and {@code 1h} pages are one report grouped by {@code day} or {@code hour}, the
 * rollups' own grains. The rollups keep nothing finer than an hour, so a {@code 1m} page is one
 * report per minute that has calls: a first report by hour over the page finds the hours with
 * calls, then each of their minutes is a report over that minute alone, which the store answers
 * from the raw call rows of the minute (or the hour's rollup minus the rest of the hour). A page
 * holds at most 1440 minutes (one day), so this stays bounded.
 *
 * <p>A filter with one value is passed to the report as its filter; a filter with several values,
 * or on a field also grouped by, makes the report group by that field and keeps the matching
 * groups. Completions and embeddings are told apart by model ({@link EmbeddingModels}); the report
 * is split by model only when the page holds calls of both kinds. Thread-safe (stateless over a
 * thread-safe store).
 */
final class UsageReader {

    private final AuditQueries store;

    UsageReader(AuditQueries store) {
        this.store = store;
    }

    /** Which calls of the page count for the report. */
    private enum Split { ALL, NONE, BY_MODEL }

    /** The buckets of {@code request}'s page, every bucket present (empty ones without results). */
    List<Bucket> page(UsageRequest request) {
        long from = request.pageStart();
        long to = request.pageEnd();
        BucketWidth width = request.width();
        Map<Long, Map<Map<Field, String>, Measures>> sums = new TreeMap<>();
        // Tally relays no batch jobs: batch=true matches nothing, and nothing need be read.
        Split split = Boolean.TRUE.equals(request.batch()) ? Split.NONE : split(request, from, to);
        if (split != Split.NONE) {
            if (width == BucketWidth.MINUTE) {
                for (long hour : hoursWithCalls(from, to)) {
                    for (long m = Math.max(from, hour); m < Math.min(to, hour + 3600); m = width.floor(m) + 60) {
                        add(request, split, Math.max(m, from), Math.min(width.floor(m) + 60, to), null, sums);
                    }
                }
            } else {
                add(request, split, from, to, width == BucketWidth.HOUR ? GroupBy.Dimension.HOUR : GroupBy.Dimension.DAY,
                        sums);
            }
        }
        List<Bucket> buckets = new ArrayList<>();
        for (long b = width.floor(from); b < to; b += width.seconds()) {
            List<Bucket.Result> results = new ArrayList<>();
            sums.getOrDefault(b, Map.of()).forEach((group, measures) -> results.add(new Bucket.Result(group, measures)));
            results.sort(order(request.groupBy()));
            buckets.add(new Bucket(b, b + width.seconds(), results));
        }
        return buckets;
    }

    /** Adds the report over {@code [since, until)} to {@code sums}, by {@code time} (null: one bucket). */
    private void add(UsageRequest request, Split split, long since, long until, GroupBy.Dimension time,
            Map<Long, Map<Map<Field, String>, Measures>> sums) {
        Set<GroupBy> dims = new LinkedHashSet<>();
        if (time != null) {
            dims.add(time);
        }
        request.groupBy().forEach(f -> f.dimension().ifPresent(dims::add));
        Map<Field, Set<String>> kept = new EnumMap<>(Field.class); // filters applied to the groups
        String keyId = null;
        String model = null;
        String user = null;
        Map<String, String> tag = Map.of();
        for (Map.Entry<Field, Set<String>> filter : request.filters().entrySet()) {
            Field f = filter.getKey();
            GroupBy dim = f.dimension().orElseThrow();
            if (filter.getValue().size() == 1 && !dims.contains(dim)) {
                String value = filter.getValue().iterator().next();
                switch (f) {
                    case API_KEY -> keyId = value;
                    case MODEL -> model = value;
                    case USER -> user = value;
                    case PROJECT -> tag = Map.of(Field.PROJECT_TAG, value);
                    case BATCH, SERVICE_TIER, LINE_ITEM -> throw new IllegalStateException("no filter on " + f);
                }
            } else {
                dims.add(dim);
                kept.put(f, filter.getValue());
            }
        }
        if (split == Split.BY_MODEL) {
            dims.add(GroupBy.Dimension.MODEL);
        }
        UsageQuery query = new UsageQuery(Instant.ofEpochSecond(since), Instant.ofEpochSecond(until),
                List.copyOf(dims), keyId, model, null, null, user, tag, null, null);
        boolean embeddings = request.report() == Report.EMBEDDINGS;
        UsageReport report = store.usage(query);
        // Costs are the adjusted spend: re-pricing's adjustments are folded into each result's
        // amount, under the adjusted call's bucket and line item (docs/spend.md, "Re-pricing").
        UsageAdjustments adjustments = request.report() == Report.COSTS ? UsageAdjustments.of(store, query)
                : UsageAdjustments.NONE;
        // A report without dimensions has its figures in the summary alone.
        List<UsageGroup> groups = dims.isEmpty() ? List.of(new UsageGroup(Map.of(), report.summary())) : report.groups();
        for (UsageGroup g : groups) {
            Map<String, String> values = g.group();
            boolean keep = kept.entrySet().stream()
                    .allMatch(e -> e.getValue().contains(values.get(e.getKey().dimension().orElseThrow().wireName())));
            if (split == Split.BY_MODEL) {
                keep &= EmbeddingModels.isEmbedding(values.get(GroupBy.Dimension.MODEL.wireName())) == embeddings;
            }
            Measures measures = Measures.of(g.stats()).adjusted(adjustments.of(g, query.groupBy()));
            if (!keep || measures.isEmpty()) {
                continue;
            }
            long bucket = time == null ? since : start(time, values.get(time.wireName()));
            Map<Field, String> group = new EnumMap<>(Field.class);
            for (Field f : request.groupBy()) {
                group.put(f, switch (f) {
                    case BATCH -> "false";
                    case SERVICE_TIER -> null;
                    default -> values.get(f.dimension().orElseThrow().wireName());
                });
            }
            sums.computeIfAbsent(request.width().floor(bucket), b -> new HashMap<>())
                    .merge(Collections.unmodifiableMap(group), measures, Measures::plus);
        }
    }

    /**
     * Whether the page's calls must be split by model: not when they are all of one kind (the
     * common case, which keeps the report on the smallest rollup table).
     */
    private Split split(UsageRequest request, long from, long to) {
        if (request.report() == Report.COSTS) {
            return Split.ALL;
        }
        boolean embedding = false;
        boolean other = false;
        for (UsageGroup g : store.usage(UsageQuery.over(Instant.ofEpochSecond(from), Instant.ofEpochSecond(to),
                List.of(GroupBy.Dimension.MODEL))).groups()) {
            if (EmbeddingModels.isEmbedding(g.group().get(GroupBy.Dimension.MODEL.wireName()))) {
                embedding = true;
            } else {
                other = true;
            }
        }
        boolean wanted = request.report() == Report.EMBEDDINGS ? embedding : other;
        boolean unwanted = request.report() == Report.EMBEDDINGS ? other : embedding;
        return !wanted ? Split.NONE : unwanted ? Split.BY_MODEL : Split.ALL;
    }

    /** The starts (unix seconds) of the hours in {@code [from, to)} that have calls. */
    private List<Long> hoursWithCalls(long from, long to) {
        List<Long> hours = new ArrayList<>();
        for (UsageGroup g : store.usage(UsageQuery.over(Instant.ofEpochSecond(from), Instant.ofEpochSecond(to),
                List.of(GroupBy.Dimension.HOUR))).groups()) {
            hours.add(Instant.parse(g.group().get(GroupBy.Dimension.HOUR.wireName())).getEpochSecond());
        }
        Collections.sort(hours);
        return hours;
    }

    /** The unix seconds of an {@code hour} or {@code day} group value. */
    private static long start(GroupBy.Dimension time, String value) {
        return time == GroupBy.Dimension.HOUR ? Instant.parse(value).getEpochSecond()
                : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    /** Results by their group values in {@code groupBy}'s order, absent values first. */
    private static Comparator<Bucket.Result> order(List<Field> groupBy) {
        Comparator<Bucket.Result> c = (a, b) -> 0;
        for (Field f : groupBy) {
            c = c.thenComparing(r -> r.group().get(f), Comparator.nullsFirst(Comparator.naturalOrder()));
        }
        return c;
    }
}
