package dev.tally.audit.rollup;

import dev.tally.audit.entry.CallRecord;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The rollup changes of one write batch, aggregated in memory so a store issues one upsert per
 * distinct rollup row instead of one per call. Every call adds to one row of each
 * {@link RollupTable} without a tag and, for each of its tags, to one row of each tag table.
 * Not thread-safe.
 */
public final class RollupBatch {

    private static final RollupTable[] PLAIN = {RollupTable.MODEL_HOURLY, RollupTable.MODEL_DAILY,
        RollupTable.HOURLY, RollupTable.DAILY, RollupTable.USER_HOURLY, RollupTable.USER_DAILY};
    private static final RollupTable[] TAGGED = {RollupTable.TAG_HOURLY, RollupTable.TAG_DAILY};

    private final Map<RollupTable, Map<RollupKey, UsageTotals>> rows = new EnumMap<>(RollupTable.class);

    public RollupBatch() {
        for (RollupTable table : RollupTable.values()) {
            rows.put(table, new HashMap<>());
        }
    }

    /** Adds a call recorded in {@code chain}. */
    public void add(String chain, CallRecord record) {
        RollupKey key = RollupKey.of(chain, record);
        // The histogram buckets once per call, not once per row it adds to.
        int latency = record.durationMs() == null ? 0 : LatencyHistogram.bucketOf(record.durationMs());
        int ttft = record.ttftMs() == null ? 0 : LatencyHistogram.bucketOf(record.ttftMs());
        for (RollupTable table : PLAIN) {
            rows.get(table).computeIfAbsent(key.in(table), k -> new UsageTotals()).add(record, latency, ttft);
        }
        for (Map.Entry<String, String> tag : record.tags().entrySet()) {
            RollupKey tagKey = key.withTag(tag.getKey(), tag.getValue());
            for (RollupTable table : TAGGED) {
                rows.get(table).computeIfAbsent(tagKey.in(table), k -> new UsageTotals()).add(record, latency, ttft);
            }
        }
    }

    /** Adds every row of {@code other} to this batch's rows (as if its calls had been added here). */
    public void addAll(RollupBatch other) {
        other.rows.forEach((table, theirs) -> {
            Map<RollupKey, UsageTotals> ours = rows.get(table);
            theirs.forEach((key, totals) -> ours.computeIfAbsent(key, k -> new UsageTotals()).add(totals));
        });
    }

    /** The rows of {@code table} this batch adds to: key (projected onto the table) to the totals to add. */
    public Map<RollupKey, UsageTotals> rows(RollupTable table) {
        return rows.get(table);
    }

    public boolean isEmpty() {
        return rows.get(RollupTable.HOURLY).isEmpty();
    }
}
