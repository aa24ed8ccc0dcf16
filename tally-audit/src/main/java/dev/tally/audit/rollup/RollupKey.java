package dev.tally.audit.rollup;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;

/**
 * The dimensions of one rollup row: the UTC hour a call started in and who/what/where/how it
 * ended, plus optionally one tag; or, for a day row, the UTC day without user, status and tag. Absent values are {@code ""} rather than null, because stores
 * key rollup rows by these values and SQL unique constraints treat NULLs as distinct; readers
 * map {@code ""} back to null.
 *
 * @param hour start of the hour, epoch milliseconds (of the day, for a day row)
 * @param chain the chain the calls were recorded in
 * @param keyId virtual key id or ""
 * @param model requested model or ""
 * @param provider provider or ""
 * @param status status wire name ("" for a day row)
 * @param user user or ""
 * @param tagName tag name for a tag rollup row, "" for a plain row
 * @param tagValue that tag's value, "" for a plain row
 */
public record RollupKey(
        long hour, String chain, String keyId, String model, String provider, String status, String user,
        String tagName, String tagValue) {

    /** Milliseconds per hour. */
    public static final long HOUR_MS = 3_600_000L;
    /** Milliseconds per day. */
    public static final long DAY_MS = 24 * HOUR_MS;

    /** The plain rollup row a call belongs to. */
    public static RollupKey of(String chain, CallRecord record) {
        long ts = record.startedAt().toEpochMilli();
        return new RollupKey(Math.floorDiv(ts, HOUR_MS) * HOUR_MS, chain, blank(record.keyId()),
                blank(record.model()), blank(record.provider()), Json.wire(record.status()), blank(record.user()), "",
                "");
    }

    /** The tag rollup row of this call for one of its tags. */
    public RollupKey withTag(String name, String value) {
        return new RollupKey(hour, chain, keyId, model, provider, status, user, name, value);
    }

    /** The day row of this plain row: the UTC day it falls in, without user and status. */
    public RollupKey toDay() {
        return new RollupKey(Math.floorDiv(hour, DAY_MS) * DAY_MS, chain, keyId, model, provider, "", "", "", "");
    }

    /** {@code ""} for null. */
    public static String blank(String value) {
        return value == null ? "" : value;
    }

    /** null for {@code ""}. */
    public static String absent(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
