package dev.tally.audit.rollup;

import dev.tally.audit.entry.CallRecord;
import java.util.HashMap;
import java.util.Map;

/**
 * The rollup changes of one write batch, aggregated in memory so a store issues one upsert per
 * distinct rollup row instead of one per call. Every call adds to its plain row, to its day row
 * and, for each of its tags, to one tag row. Not thread-safe.
 */
public final class RollupBatch {

    private final Map<RollupKey, UsageTotals> plain = new HashMap<>();
    private final Map<RollupKey, UsageTotals> tagged = new HashMap<>();
    private final Map<RollupKey, UsageTotals> daily = new HashMap<>();

    /** Adds a call recorded in {@code chain}. */
    public void add(String chain, CallRecord record) {
        RollupKey key = RollupKey.of(chain, record);
        plain.computeIfAbsent(key, k -> new UsageTotals()).add(record);
        daily.computeIfAbsent(key.toDay(), k -> new UsageTotals()).add(record);
        for (Map.Entry<String, String> tag : record.tags().entrySet()) {
            tagged.computeIfAbsent(key.withTag(tag.getKey(), tag.getValue()), k -> new UsageTotals()).add(record);
        }
    }

    /** Plain rows: key to the totals to add. */
    public Map<RollupKey, UsageTotals> plainRows() {
        return plain;
    }

    /** Tag rows: key (with tag name and value) to the totals to add. */
    public Map<RollupKey, UsageTotals> tagRows() {
        return tagged;
    }

    /** Day rows: key (day start in {@code hour}, no user) to the totals to add. */
    public Map<RollupKey, UsageTotals> dayRows() {
        return daily;
    }

    public boolean isEmpty() {
        return plain.isEmpty();
    }
}
