package dev.tally.audit.rollup;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;

/**
 * The key of one rollup row: a time bucket, the chain, and the dimension values of a
 * {@link RollupTable}. {@link #of} gives a call's full key (its hour and every dimension);
 * {@link #in} projects it onto a table, blanking the dimensions the table does not carry. Absent
 * values are {@code ""} rather than null, because stores key rollup rows by these values and SQL
 * unique constraints treat NULLs as distinct; readers map {@code ""} back to null.
 *
 * @param hour start of the time bucket, epoch milliseconds (the hour, or the day for a day table)
 * @param chain the chain the calls were recorded in
 * @param keyId virtual key id or ""
 * @param model requested model or ""
 * @param provider provider or ""
 * @param status status wire name, or "" in a table without status
 * @param user user or ""
 * @param tagName tag name for a tag table row, "" otherwise
 * @param tagValue that tag's value, "" otherwise
 */
public record RollupKey(
        long hour, String chain, String keyId, String model, String provider, String status, String user,
        String tagName, String tagValue) {

    /** Milliseconds per hour. */
    public static final long HOUR_MS = 3_600_000L;
    /** Milliseconds per day. */
    public static final long DAY_MS = 24 * HOUR_MS;

    /** A call's full key: its UTC hour and every dimension, no tag. */
    public static RollupKey of(String chain, CallRecord record) {
        long ts = record.startedAt().toEpochMilli();
        return new RollupKey(Math.floorDiv(ts, HOUR_MS) * HOUR_MS, chain, blank(record.keyId()),
                blank(record.model()), blank(record.provider()), Json.wire(record.status()), blank(record.user()), "",
                "");
    }

    /** This key with one of the call's tags. */
    public RollupKey withTag(String name, String value) {
        return new RollupKey(hour, chain, keyId, model, provider, status, user, name, value);
    }

    /** The row of {@code table} this key's calls add to: time floored to its grain, other dimensions blank. */
    public RollupKey in(RollupTable table) {
        java.util.Set<RollupTable.Dimension> d = table.dimensions();
        boolean tag = d.contains(RollupTable.Dimension.TAG);
        return new RollupKey(table.grain().floor(hour), chain,
                d.contains(RollupTable.Dimension.KEY) ? keyId : "",
                d.contains(RollupTable.Dimension.MODEL) ? model : "",
                d.contains(RollupTable.Dimension.PROVIDER) ? provider : "",
                d.contains(RollupTable.Dimension.STATUS) ? status : "",
                d.contains(RollupTable.Dimension.USER) ? user : "",
                tag ? tagName : "", tag ? tagValue : "");
    }

    /** The value of {@code dimension} in this key ({@code tag_name} for a tag). */
    public String value(RollupTable.Dimension dimension) {
        return switch (dimension) {
            case KEY -> keyId;
            case MODEL -> model;
            case PROVIDER -> provider;
            case USER -> user;
            case STATUS -> status;
            case TAG -> tagName;
        };
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
