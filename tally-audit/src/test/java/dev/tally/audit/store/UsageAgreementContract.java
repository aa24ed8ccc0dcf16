package dev.tally.audit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.query.GroupBy;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.query.UsageStats;
import dev.tally.audit.rollup.UsageTotals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Usage reports agree exactly with a brute-force aggregation of the same records, whatever the
 * bounds (on or off hour and day boundaries), groups and filters: rollup tables of every grain,
 * tag subtraction and raw edge rows must add up to what the records say. Records are random
 * but seeded, committed in random batches, some late (older than records committed before).
 */
public abstract class UsageAgreementContract extends StoreContractSupport {

    private static final Instant START = Instant.parse("2026-03-01T21:00:00Z");
    private static final long SPAN_MS = 3 * 86_400_000L;
    private static final List<String> KEYS = List.of("k1", "k2", "k3");
    private static final List<String> MODELS = List.of("m1", "m2", "m3");
    private static final List<String> USERS = List.of("u1", "u2", "u3");
    private static final List<GroupBy> DIMENSIONS = List.of(GroupBy.Dimension.MODEL, GroupBy.Dimension.KEY,
            GroupBy.Dimension.PROVIDER, GroupBy.Dimension.STATUS, GroupBy.Dimension.USER, GroupBy.Dimension.HOUR,
            GroupBy.Dimension.DAY, GroupBy.Dimension.HOUR_OF_DAY, new GroupBy.Tag("tier"), new GroupBy.Tag("job"));

    @Test
    void randomReportsEqualTheAggregationOfTheRecords() {
        SplittableRandom random = new SplittableRandom(20261123);
        List<CallRecord> records = load(random, 700);
        for (int i = 0; i < 300; i++) {
            UsageQuery query = randomQuery(random);
            assertAgrees(query, records);
        }
    }

    @Test
    void userWithModelOverPartialEdgeHoursIsExact() {
        SplittableRandom random = new SplittableRandom(5);
        List<CallRecord> records = load(random, 400);
        UsageQuery query = UsageQuery.over(START.plusSeconds(1234), START.plusSeconds(2 * 86_400 + 777),
                List.of(GroupBy.Dimension.USER, GroupBy.Dimension.MODEL));
        assertAgrees(query, records);
        assertThat(store.usage(query).groups()).hasSizeGreaterThan(6);
    }

    @Test
    void aTagWithKeyAndAUserWithATagAreExact() {
        SplittableRandom random = new SplittableRandom(6);
        List<CallRecord> records = load(random, 400);
        Instant since = START.plusSeconds(4000);
        Instant until = START.plusSeconds(86_400 + 1800);
        assertAgrees(UsageQuery.over(since, until, List.of(new GroupBy.Tag("tier"), GroupBy.Dimension.KEY)), records);
        assertAgrees(new UsageQuery(since, until, List.of(new GroupBy.Tag("job")), null, null, null, null, "u2",
                Map.of(), null, null), records);
        assertAgrees(new UsageQuery(since, until, List.of(GroupBy.Dimension.DAY), null, null, null, null, null,
                Map.of("tier", "gold"), null, null), records);
        assertAgrees(new UsageQuery(since, until, List.of(new GroupBy.Tag("job")), null, null, null, null, null,
                Map.of("tier", "gold"), null, null), records);
    }

    private void assertAgrees(UsageQuery query, List<CallRecord> records) {
        UsageReport report = store.usage(query);
        Map<Map<String, String>, UsageTotals> expected = new HashMap<>();
        UsageTotals summary = new UsageTotals();
        for (CallRecord r : records) {
            if (matches(query, r)) {
                summary.add(r);
                expected.computeIfAbsent(groupOf(query, r), k -> new UsageTotals()).add(r);
            }
        }
        assertThat(report.summary()).as("summary of %s", query).isEqualTo(summary.toStats());
        Map<Map<String, String>, UsageStats> actual = new HashMap<>();
        for (UsageGroup g : report.groups()) {
            assertThat(actual.put(g.group(), g.stats())).as("group %s once in %s", g.group(), query).isNull();
        }
        Map<Map<String, String>, UsageStats> wanted = new HashMap<>();
        if (!query.groupBy().isEmpty()) {
            expected.forEach((k, v) -> wanted.put(k, v.toStats()));
        }
        assertThat(actual).as("groups of %s", query).isEqualTo(wanted);
    }

    private static boolean matches(UsageQuery q, CallRecord r) {
        long t = r.startedAt().toEpochMilli();
        return (q.since() == null || t >= q.since().toEpochMilli()) && (q.until() == null || t < q.until().toEpochMilli())
                && (q.keyId() == null || q.keyId().equals(r.keyId())) && (q.model() == null || q.model().equals(r.model()))
                && (q.provider() == null || q.provider().equals(r.provider()))
                && (q.status() == null || q.status() == r.status()) && (q.user() == null || q.user().equals(r.user()))
                && q.tag().entrySet().stream().allMatch(e -> e.getValue().equals(r.tags().get(e.getKey())));
    }

    private static Map<String, String> groupOf(UsageQuery q, CallRecord r) {
        Map<String, String> group = new LinkedHashMap<>();
        long t = r.startedAt().toEpochMilli();
        for (GroupBy g : q.groupBy()) {
            group.put(g.wireName(), switch (g) {
                case GroupBy.Dimension d -> switch (d) {
                    case MODEL -> r.model();
                    case KEY -> r.keyId();
                    case PROVIDER -> r.provider();
                    case STATUS -> dev.tally.audit.json.Json.wire(r.status());
                    case USER -> r.user();
                    case HOUR -> Instant.ofEpochMilli(Math.floorDiv(t, 3_600_000L) * 3_600_000L).toString();
                    case DAY -> r.startedAt().toString().substring(0, 10);
                    case HOUR_OF_DAY -> Integer.toString(r.startedAt().atZone(java.time.ZoneOffset.UTC).getHour());
                };
                case GroupBy.Tag tag -> r.tags().get(tag.name());
            });
        }
        return group;
    }

    /** Commits {@code n} random calls in random batches; about one in ten is late. */
    private List<CallRecord> load(SplittableRandom random, int n) {
        List<CallRecord> records = new ArrayList<>();
        List<AuditEntry> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long offset = random.nextInt(10) == 0 ? random.nextLong(SPAN_MS * i / n + 1) : SPAN_MS * i / n
                    + random.nextLong(SPAN_MS / n);
            if (random.nextInt(15) == 0) {
                offset = offset / 3_600_000L * 3_600_000L; // exactly on an hour boundary
            }
            CallRecord r = randomCall(random, START.plusMillis(offset));
            records.add(r);
            batch.add(r);
            if (random.nextInt(12) == 0 || i == n - 1) {
                chain.append(batch.toArray(AuditEntry[]::new));
                batch.clear();
            }
        }
        return records;
    }

    private CallRecord randomCall(SplittableRandom random, Instant at) {
        int model = random.nextInt(MODELS.size());
        CallStatus status = CallStatus.values()[random.nextInt(CallStatus.values().length)];
        CallRecord.Builder b = entries.call(at).keyId(pick(random, KEYS)).model(MODELS.get(model))
                .provider(model == 2 ? "p2" : "p1").status(status)
                .user(random.nextInt(3) == 0 ? null : pick(random, USERS))
                .inputTokens(maybe(random, 5000)).cachedInputTokens(maybe(random, 100))
                .cacheWriteTokens(maybe(random, 50)).outputTokens(maybe(random, 900))
                .reasoningTokens(maybe(random, 90)).costMicros(maybe(random, 20_000))
                .durationMs(maybe(random, 9000)).ttftMs(maybe(random, 700));
        Map<String, String> tags = new HashMap<>();
        if (random.nextInt(5) < 3) {
            tags.put("tier", random.nextBoolean() ? "gold" : "silver");
        }
        if (random.nextInt(5) < 2) {
            tags.put("job", random.nextBoolean() ? "a" : "b");
        }
        return b.tags(tags).build();
    }

    private static Long maybe(SplittableRandom random, int bound) {
        return random.nextInt(4) == 0 ? null : (long) random.nextInt(bound);
    }

    private UsageQuery randomQuery(SplittableRandom random) {
        Instant since = randomBound(random);
        Instant until = randomBound(random);
        if (since != null && until != null && since.isAfter(until) && random.nextInt(4) > 0) {
            Instant t = since;
            since = until;
            until = t;
        }
        List<GroupBy> groupBy = new ArrayList<>();
        int dims = random.nextInt(4);
        boolean tag = false;
        while (groupBy.size() < dims) {
            GroupBy g = DIMENSIONS.get(random.nextInt(DIMENSIONS.size()));
            if (!groupBy.contains(g) && !(tag && g instanceof GroupBy.Tag)) {
                tag |= g instanceof GroupBy.Tag;
                groupBy.add(g);
            }
        }
        Map<String, String> tagFilter = random.nextInt(6) == 0
                ? Map.of(random.nextBoolean() ? "tier" : "job", pick(random, List.of("gold", "silver", "a", "b")))
                : Map.of();
        return new UsageQuery(since, until, groupBy, filter(random, KEYS), filter(random, MODELS),
                filter(random, List.of("p1", "p2")),
                random.nextInt(6) == 0 ? CallStatus.values()[random.nextInt(CallStatus.values().length)] : null,
                filter(random, USERS), tagFilter, null, null);
    }

    /** Null (unbounded), a random instant, or one on an hour or day boundary, around the data. */
    private static Instant randomBound(SplittableRandom random) {
        long t = random.nextLong(-2 * 3_600_000L, SPAN_MS + 2 * 3_600_000L);
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> START.plusMillis(t / 3_600_000L * 3_600_000L);
            case 2 -> Instant.ofEpochMilli(Math.floorDiv(START.toEpochMilli() + t, 86_400_000L) * 86_400_000L);
            default -> START.plusMillis(t);
        };
    }

    private static String filter(SplittableRandom random, List<String> values) {
        return random.nextInt(6) == 0 ? pick(random, values) : null;
    }

    private static String pick(SplittableRandom random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }
}
