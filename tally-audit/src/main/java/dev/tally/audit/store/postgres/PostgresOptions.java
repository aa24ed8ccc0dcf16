package dev.tally.audit.store.postgres;

import java.net.URI;
import java.time.Clock;
import java.util.Objects;

/**
 * How to reach and run a PostgreSQL store. Immutable; {@link #toString()} never shows the
 * password.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database} (query parameters allowed)
 * @param user login role, or null to let the driver decide (URL or its defaults)
 * @param password the role's password, or null; never logged or printed
 * @param poolSize connections in the pool (writer and readers), 2..200
 * @param partitionDaysAhead day partitions created ahead of today, 1..90
 * @param clock the clock partition maintenance reads "today" from
 * @param foldInterval the pause of the background rollup folder between rounds ({@link RollupFolder}),
 *     0..1 min; zero: no background folder (reads stay exact: they add the unfolded calls)
 */
public record PostgresOptions(String jdbcUrl, String user, String password, int poolSize, int partitionDaysAhead,
        Clock clock, java.time.Duration foldInterval) {

    /** Default pool size: one writer plus readers for the admin API and key lookups. */
    public static final int DEFAULT_POOL_SIZE = 8;
    /** Default number of day partitions kept ready ahead of today. */
    public static final int DEFAULT_DAYS_AHEAD = 3;
    /**
     * Default pause of the rollup folder: short, so the calls every reader folds in itself stay
     * a fraction of a second of traffic; long enough that each fold sums many calls per row.
     */
    public static final java.time.Duration DEFAULT_FOLD_INTERVAL = java.time.Duration.ofMillis(200);

    public PostgresOptions {
        Objects.requireNonNull(jdbcUrl, "jdbc_url");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(foldInterval, "fold interval");
        if (foldInterval.isNegative() || foldInterval.compareTo(java.time.Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("fold interval: " + foldInterval + " (expected: PT0S..PT1M)");
        }
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("jdbc url: '" + jdbcUrl + "' (expected: jdbc:postgresql://host:port/db)");
        }
        if (poolSize < 2 || poolSize > 200) {
            throw new IllegalArgumentException("pool size: " + poolSize + " (expected: 2..200)");
        }
        if (partitionDaysAhead < 1 || partitionDaysAhead > 90) {
            throw new IllegalArgumentException("partition days ahead: " + partitionDaysAhead + " (expected: 1..90)");
        }
    }

    /**
     * Options from a store URL as written in Tally's config, {@code postgresql://host[:port]/database},
     * with default pool size and days ahead and the system clock.
     *
     * @throws IllegalArgumentException naming the URL when it is not of that form
     */
    public static PostgresOptions fromStoreUrl(String storeUrl, String user, String password) {
        return new PostgresOptions(jdbcUrl(storeUrl), user, password, DEFAULT_POOL_SIZE, DEFAULT_DAYS_AHEAD,
                Clock.systemUTC(), DEFAULT_FOLD_INTERVAL);
    }

    /** The JDBC URL of a {@code postgresql://host[:port]/database[?params]} store URL. */
    public static String jdbcUrl(String storeUrl) {
        String expectation = " (expected: postgresql://host[:port]/database)";
        if (storeUrl == null || !storeUrl.startsWith("postgresql://")) {
            throw new IllegalArgumentException("store.url: '" + storeUrl + "'" + expectation);
        }
        URI uri;
        try {
            uri = URI.create(storeUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("store.url: '" + storeUrl + "'" + expectation, e);
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("store.url: '" + storeUrl + "'" + expectation);
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("store.url: user info in the URL (expected: store.user and "
                    + "store.password, so the password is never part of a printed URL)");
        }
        return "jdbc:" + storeUrl;
    }

    /** These options with another pool size and days ahead. */
    public PostgresOptions with(int poolSize, int partitionDaysAhead) {
        return new PostgresOptions(jdbcUrl, user, password, poolSize, partitionDaysAhead, clock, foldInterval);
    }

    /** These options with another clock. */
    public PostgresOptions withClock(Clock other) {
        return new PostgresOptions(jdbcUrl, user, password, poolSize, partitionDaysAhead, other, foldInterval);
    }

    /** These options with another rollup fold interval (zero: no background folder). */
    public PostgresOptions withFoldInterval(java.time.Duration interval) {
        return new PostgresOptions(jdbcUrl, user, password, poolSize, partitionDaysAhead, clock, interval);
    }

    @Override
    public String toString() {
        return "PostgresOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                + ", poolSize=" + poolSize + ", partitionDaysAhead=" + partitionDaysAhead + ", foldInterval=" + foldInterval
                + "]";
    }
}
