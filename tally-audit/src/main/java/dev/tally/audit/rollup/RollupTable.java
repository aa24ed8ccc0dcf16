package dev.tally.audit.rollup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The usage rollup tables every store keeps, all updated in the transaction of each write
 * batch. Each is a grain (UTC hour or day) times a few dimensions; a call adds to one row of each
 * table without a tag and, per tag it carries, to one row of each tag table.
 *
 * <p>The dimensions are chosen so a table has few rows per hour whatever the traffic: the
 * hourly grain of the brief (key × model × provider × status) carries no user and no tag,
 * because users and tags multiply the rows (with a user on every call, nearly a row per call).
 * Users and tags get their own narrow tables instead, and reports that need no key (by model,
 * provider, status or time: most dashboard views) read the model tables, which have a few
 * rows per hour instead of a few per key. Day tables count calls per status in
 * columns ({@link #statusColumns()}) rather than keying the status, so long reports read a
 * quarter of the rows; they cannot filter or group by status.
 *
 * <p>{@link UsagePlan} picks the tables a usage report reads. Column names are shared by the
 * stores: the time column is {@code hour} or {@code day} (epoch ms of the start), then
 * {@code chain}, then the dimension columns of {@link #dimensions()} ({@code tag_name} and
 * {@code tag_value} for a tag). Immutable, thread-safe.
 */
public enum RollupTable {

    /** Per UTC hour × model × provider × status: reports that need no key, user or tag (a few rows per hour). */
    MODEL_HOURLY("model_rollups", Grain.HOUR, EnumSet.of(Dimension.MODEL, Dimension.PROVIDER, Dimension.STATUS)),
    /** Per UTC day × model × provider; calls per status in columns. */
    MODEL_DAILY("model_day_rollups", Grain.DAY, EnumSet.of(Dimension.MODEL, Dimension.PROVIDER)),
    /** Per UTC hour × key × model × provider × status. */
    HOURLY("rollups", Grain.HOUR, EnumSet.of(Dimension.KEY, Dimension.MODEL, Dimension.PROVIDER, Dimension.STATUS)),
    /** Per UTC day × key × model × provider; calls per status in columns. */
    DAILY("day_rollups", Grain.DAY, EnumSet.of(Dimension.KEY, Dimension.MODEL, Dimension.PROVIDER)),
    /** Per UTC hour × user × status ({@code ''} user: calls without one). */
    USER_HOURLY("user_rollups", Grain.HOUR, EnumSet.of(Dimension.USER, Dimension.STATUS)),
    /** Per UTC day × user; calls per status in columns. */
    USER_DAILY("user_day_rollups", Grain.DAY, EnumSet.of(Dimension.USER)),
    /** Per tag × UTC hour × model × provider × status. */
    TAG_HOURLY("tag_rollups", Grain.HOUR, EnumSet.of(Dimension.TAG, Dimension.MODEL, Dimension.PROVIDER,
            Dimension.STATUS)),
    /** Per tag × UTC day × model × provider; calls per status in columns. */
    TAG_DAILY("tag_day_rollups", Grain.DAY, EnumSet.of(Dimension.TAG, Dimension.MODEL, Dimension.PROVIDER));

    /** The time bucket of a table. */
    public enum Grain {
        HOUR(RollupKey.HOUR_MS, "hour"), DAY(RollupKey.DAY_MS, "day");

        private final long millis;
        private final String column;

        Grain(long millis, String column) {
            this.millis = millis;
            this.column = column;
        }

        /** Length of one bucket in milliseconds. */
        public long millis() {
            return millis;
        }

        /** Name of the time column. */
        public String column() {
            return column;
        }

        /** Start of the bucket holding {@code epochMillis}. */
        public long floor(long epochMillis) {
            return Math.floorDiv(epochMillis, millis) * millis;
        }

        /** Start of the first bucket at or after {@code epochMillis}. */
        public long ceil(long epochMillis) {
            return Math.ceilDiv(epochMillis, millis) * millis;
        }
    }

    /** A dimension a table keys its rows by. */
    public enum Dimension {
        // Declaration order is the order of the key columns in every table.
        KEY("key_id"), MODEL("model"), PROVIDER("provider"), USER("user_id"), STATUS("status"), TAG("tag_name");

        private final String column;

        Dimension(String column) {
            this.column = column;
        }

        /** The column holding it ({@code tag_name}, with {@code tag_value} beside it, for a tag). */
        public String column() {
            return column;
        }
    }

    private final String tableName;
    private final Grain grain;
    private final Set<Dimension> dimensions;
    private final List<String> keyColumns;

    RollupTable(String tableName, Grain grain, Set<Dimension> dimensions) {
        this.tableName = tableName;
        this.grain = grain;
        this.dimensions = Collections.unmodifiableSet(dimensions);
        this.keyColumns = keyColumns(grain, dimensions);
    }

    /** The SQL table name. */
    public String tableName() {
        return tableName;
    }

    public Grain grain() {
        return grain;
    }

    /** The dimensions that key a row besides time and chain. */
    public Set<Dimension> dimensions() {
        return dimensions;
    }

    /** Whether rows are per tag (name and value). */
    public boolean tagged() {
        return dimensions.contains(Dimension.TAG);
    }

    /** Whether calls per status are columns ({@code success, errors, refused, cancelled, interrupted}). */
    public boolean statusColumns() {
        return grain == Grain.DAY;
    }

    /**
     * The table without the tag over the same grain, whose rows hold every call: a tag table's
     * group of calls without the tag is this table's total minus the tag table's.
     */
    public RollupTable untagged() {
        return switch (this) {
            case TAG_HOURLY -> MODEL_HOURLY;
            case TAG_DAILY -> MODEL_DAILY;
            case MODEL_HOURLY, MODEL_DAILY, HOURLY, DAILY, USER_HOURLY, USER_DAILY -> this;
        };
    }

    /**
     * The key columns in table order: time, chain, then the dimension columns (for a tag table
     * {@code tag_name} comes first, since every read names one tag).
     */
    public List<String> keyColumns() {
        return keyColumns;
    }

    private static List<String> keyColumns(Grain grain, Set<Dimension> dimensions) {
        boolean tagged = dimensions.contains(Dimension.TAG);
        List<String> columns = new ArrayList<>();
        if (tagged) {
            columns.add("tag_name");
        }
        columns.add(grain.column());
        columns.add("chain");
        if (tagged) {
            columns.add("tag_value");
        }
        for (Dimension d : dimensions) {
            if (d != Dimension.TAG) {
                columns.add(d.column());
            }
        }
        return List.copyOf(columns);
    }
}
