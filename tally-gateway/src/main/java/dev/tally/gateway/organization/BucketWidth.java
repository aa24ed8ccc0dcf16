package dev.tally.gateway.organization;

/**
 * A {@code bucket_width} of OpenAI's usage and costs API, with the bucket counts OpenAI documents
 * for {@code limit}: {@code 1d} 7 by default and at most 31, {@code 1h} 24 and 168, {@code 1m} 60
 * and 1440. Buckets are aligned to UTC multiples of the width, the grain of Tally's hourly and
 * daily rollups.
 */
enum BucketWidth {
    MINUTE("1m", 60, 60, 1440),
    HOUR("1h", 3600, 24, 168),
    DAY("1d", 86_400, 7, 31);

    private final String wire;
    private final long seconds;
    private final int defaultLimit;
    private final int maxLimit;

    BucketWidth(String wire, long seconds, int defaultLimit, int maxLimit) {
        this.wire = wire;
        this.seconds = seconds;
        this.defaultLimit = defaultLimit;
        this.maxLimit = maxLimit;
    }

    /** The parameter value: {@code 1m}, {@code 1h} or {@code 1d}. */
    String wire() {
        return wire;
    }

    long seconds() {
        return seconds;
    }

    int defaultLimit() {
        return defaultLimit;
    }

    int maxLimit() {
        return maxLimit;
    }

    /** The start of the bucket holding {@code epochSecond}. */
    long floor(long epochSecond) {
        return Math.floorDiv(epochSecond, seconds) * seconds;
    }
}
