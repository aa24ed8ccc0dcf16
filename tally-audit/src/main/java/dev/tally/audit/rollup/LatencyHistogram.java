package dev.tally.audit.rollup;

import java.util.Arrays;

/**
 * A small mergeable histogram of millisecond latencies with logarithmic buckets, kept per
 * rollup row so percentiles can be computed over any union of rows.
 *
 * <h2>Buckets</h2>
 * Value 0 has its own counter. A value {@code v >= 1} goes to bucket
 * {@code i = ceil(ln v / ln γ)} with {@code γ = 1.08}, which holds the values in
 * {@code (γ^(i-1), γ^i]}. A percentile is reported as the bucket's midpoint
 * {@code 2·γ^i / (γ + 1)}, rounded to a whole millisecond and clamped into the bucket, so it is
 * within {@code (γ-1)/(γ+1) ≈ 3.85%} plus half a millisecond of the exact value (a relative
 * error under 5% from 50 ms up; small values are within 1 ms). Negative inputs (a clock step)
 * count as 0.
 *
 * <h2>Staying within the values</h2>
 * A bucket's midpoint may lie outside the values it holds: one call of 731 ms sits in the bucket
 * {@code (693.5, 748.9]} whose midpoint is 720, which reported a p95 below the average. So each
 * bucket also keeps the exact sum of its values, and the lowest and highest non-empty buckets
 * (where the group's minimum and maximum are) report with their mean, which lies between the
 * bucket's smallest and largest value: the lowest the larger of midpoint and mean, the highest
 * the smaller, a bucket that is both its mean. Middle buckets lie wholly between the group's
 * ends and keep the midpoint. Hence every percentile lies within {@code [min, max]} of the
 * values, one sample is reported exactly (its bucket's mean is itself), and
 * {@code p50 <= p95 <= p99} (buckets are disjoint and ordered, and every rank in one bucket
 * reports one value). Unlike stored minimum and maximum, bucket sums stay exact when a part is
 * subtracted, as reports do with the calls of a partial hour, so a report from rollups still
 * equals one computed from the records. The price: in an edge bucket the error can reach the
 * bucket's width (8%) instead of half of it. Histograms read from version 1 bytes (written
 * before bucket sums were kept) have no bucket sums; they, and whatever they are merged into,
 * fall back to midpoints (one sample: the exact {@code sum}).
 *
 * <h2>Encoding</h2>
 * {@link #toBytes()} writes a sparse form, stored in a BLOB column:
 * <pre>
 * byte    version (1)
 * varint  count of zeros
 * varint  sum of all values
 * varint  number of non-empty buckets n
 * n times: varint (bucket index − previous index), varint count   -- indexes ascending, first from 0
 * </pre>
 * Version 2 has the version byte 2 and, after each bucket's count, {@code varint} the sum of its
 * values minus count × the bucket's smallest whole millisecond, zigzag-encoded (small numbers, few bytes).
 * {@link #toBytes()} writes version 2 when the bucket sums are known, else version 1.
 * {@link #canonicalBytes()} is always the version 1 form: the rollup listing that retention
 * runs sign and {@code verify --deep} recomputes ({@link RollupRow}) covers counts and sum, so
 * stores written before bucket sums were kept still verify.
 * varints are unsigned LEB128; {@link HistogramBytes} writes and reads this form. A typical row
 * with a few dozen distinct latencies takes well under 100 bytes in version 1 and about half as
 * much again with bucket sums.
 *
 * <p>Counts and sum are exact, so merging and subtracting (of a histogram that was merged in)
 * are exact too; merge is associative and commutative. Not thread-safe.
 */
public final class LatencyHistogram {

    /** Bucket growth factor. */
    public static final double GAMMA = 1.08;

    private static final double LOG_GAMMA = Math.log(GAMMA);
    /** Enough buckets for any long value: ceil(ln(Long.MAX_VALUE) / ln 1.08) = 568; the window in use is smaller. */
    static final int BUCKETS = (int) Math.ceil(Math.log(Long.MAX_VALUE) / LOG_GAMMA) + 2;

    private long zeros;
    private long sum;
    private long count;
    /** Counts of buckets {@code low .. low + counts.length - 1}; null until a value >= 1 arrives. */
    private long[] counts;
    /** Sums of the values of each bucket, parallel to {@code counts}; ignored unless {@link #bucketSums}. */
    private long[] sums;
    private int low;
    /** Whether {@code sums} holds every bucket's exact sum (false once version 1 bytes were merged in). */
    private boolean bucketSums = true;

    /** An empty histogram. */
    public LatencyHistogram() {
    }

    /** Records one latency in milliseconds. */
    public void record(long millis) {
        record(millis, millis <= 0 ? 0 : indexOf(millis));
    }

    /**
     * Records one latency whose bucket is already known ({@link #bucketOf}): a call adds to a
     * row of every rollup table, and the logarithm is worth computing once.
     */
    void record(long millis, int index) {
        count++;
        if (millis <= 0) {
            zeros++;
            return;
        }
        sum += millis;
        cover(index, index);
        counts[index - low]++;
        sums[index - low] += millis;
    }

    /** The bucket of a latency for {@link #record(long, int)} (any value for {@code millis <= 0}). */
    static int bucketOf(long millis) {
        return millis <= 0 ? 0 : indexOf(millis);
    }

    /** Adds every value of {@code other} to this histogram. */
    public void merge(LatencyHistogram other) {
        count += other.count;
        zeros += other.zeros;
        sum += other.sum;
        bucketSums &= other.bucketSums;
        if (other.counts != null) {
            cover(other.low, other.low + other.counts.length - 1);
            for (int i = 0; i < other.counts.length; i++) {
                counts[other.low + i - low] += other.counts[i];
                sums[other.low + i - low] += other.sums[i];
            }
        }
    }

    /**
     * Removes the values of {@code other}, which must have been merged into this histogram
     * (or be a part of what was).
     *
     * @throws IllegalArgumentException when {@code other} holds a value this one does not
     */
    public void subtract(LatencyHistogram other) {
        if (other.count > count || other.zeros > zeros) {
            throw new IllegalArgumentException("histogram: count " + other.count + " (expected: <= " + count + ")");
        }
        if (other.counts != null) {
            for (int i = 0; i < other.counts.length; i++) {
                int index = other.low + i;
                if (other.counts[i] > bucket(index)) {
                    throw new IllegalArgumentException("histogram: bucket " + index + " count " + other.counts[i]
                            + " (expected: <= " + bucket(index) + ")");
                }
            }
            for (int i = 0; i < other.counts.length; i++) {
                if (other.counts[i] != 0) {
                    counts[other.low + i - low] -= other.counts[i];
                    sums[other.low + i - low] -= other.sums[i];
                }
            }
        }
        bucketSums &= other.bucketSums;
        count -= other.count;
        zeros -= other.zeros;
        sum -= other.sum;
    }

    /** Number of recorded values. */
    public long count() {
        return count;
    }

    /** Exact sum of the recorded values (negative inputs counted as 0). */
    public long sum() {
        return sum;
    }

    /**
     * The value at quantile {@code q} (0 &lt; q ≤ 1) by nearest rank, to within the bucket error
     * described above and within the values' range (see "Staying within the values"); null when
     * the histogram is empty.
     */
    public Long percentile(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile: " + q + " (expected: 0 < q <= 1)");
        }
        if (count == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        if (rank <= zeros) {
            return 0L;
        }
        if (!bucketSums && count - zeros == 1) {
            return sum; // the one value above 0, exactly
        }
        int first = -1;
        int last = -1;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        long seen = zeros;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long midpoint = representative(low + i);
                if (!bucketSums) {
                    return midpoint;
                }
                // The mean of a bucket's values (whole milliseconds) lies between its smallest and largest.
                long mean = Math.round((double) sums[i] / counts[i]);
                boolean lowest = i == first && zeros == 0;
                boolean highest = i == last;
                if (lowest && highest) {
                    return mean;
                }
                if (lowest) {
                    return Math.max(midpoint, mean);
                }
                return highest ? Math.min(midpoint, mean) : midpoint;
            }
        }
        throw new IllegalStateException("bucket counts do not add up to " + count);
    }

    /** Whether every bucket's sum is known, so percentiles stay within the values' range. */
    public boolean hasBucketSums() {
        return bucketSums;
    }

    /** The sparse binary form described in the class comment: version 2 when the bucket sums are known. */
    public byte[] toBytes() {
        return encode(bucketSums);
    }

    /** The version 1 form, without bucket sums: what the rollup listing covers (see the class comment). */
    public byte[] canonicalBytes() {
        return encode(false);
    }

    private byte[] encode(boolean withSums) {
        return HistogramBytes.encode(zeros, sum, low, counts == null ? new long[0] : counts, sums, withSums);
    }

    /**
     * Reads the form written by {@link #toBytes()}; null or empty input is an empty histogram.
     *
     * @throws IllegalArgumentException when the bytes are not a histogram
     */
    public static LatencyHistogram fromBytes(byte[] bytes) {
        LatencyHistogram h = new LatencyHistogram();
        h.mergeBytes(bytes);
        return h;
    }

    /**
     * Adds the histogram encoded in {@code bytes} (see {@link #toBytes()}) without building it
     * first; null or empty input adds nothing. Reports read many rows, so this saves an object
     * per row.
     *
     * @throws IllegalArgumentException when the bytes are not a histogram; nothing was added then
     */
    public void mergeBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return;
        }
        HistogramBytes.Decoded d = HistogramBytes.decode(bytes);
        // Validated: now add, so a bad input changes nothing.
        zeros += d.zeros();
        sum += d.sum();
        count += d.zeros();
        int nonEmpty = d.indexes().length;
        if (nonEmpty > 0) {
            bucketSums &= d.withSums();
            cover(d.indexes()[0], d.indexes()[nonEmpty - 1]);
            for (int n = 0; n < nonEmpty; n++) {
                counts[d.indexes()[n] - low] += d.counts()[n];
                sums[d.indexes()[n] - low] += d.sums()[n];
                count += d.counts()[n];
            }
        }
    }

    /** A copy of this histogram. */
    public LatencyHistogram copy() {
        LatencyHistogram h = new LatencyHistogram();
        h.merge(this);
        return h;
    }

    /** Equal counts, zeros, sum and buckets, and bucket sums too when both know them. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof LatencyHistogram that)) {
            return false;
        }
        if (count != that.count || zeros != that.zeros || sum != that.sum) {
            return false;
        }
        int from = Math.min(firstIndex(), that.firstIndex());
        int to = Math.max(lastIndex(), that.lastIndex());
        boolean compareSums = bucketSums && that.bucketSums;
        for (int i = from; i <= to; i++) {
            if (bucket(i) != that.bucket(i) || compareSums && bucketSum(i) != that.bucketSum(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        long h = 31 * (31 * count + zeros) + sum;
        for (int i = firstIndex(); i <= lastIndex(); i++) {
            if (bucket(i) != 0) {
                h = 31 * (31 * h + i) + bucket(i);
            }
        }
        return Long.hashCode(h);
    }

    @Override
    public String toString() {
        return "LatencyHistogram[count=" + count + ", sum=" + sum + ", zeros=" + zeros
                + (bucketSums && counts != null ? ", bucket sums=" + Arrays.toString(sums) : "")
                + (counts == null ? "" : ", buckets from " + low + "=" + Arrays.toString(counts)) + "]";
    }

    static int indexOf(long millis) {
        return (int) Math.ceil(Math.log(millis) / LOG_GAMMA);
    }

    /** The smallest whole millisecond bucket {@code index} holds. */
    static long smallest(int index) {
        return index == 0 ? 1 : (long) Math.floor(Math.pow(GAMMA, index) / GAMMA) + 1;
    }

    static long representative(int index) {
        double upper = Math.pow(GAMMA, index);
        long value = Math.round(2 * upper / (GAMMA + 1));
        // Clamp into the whole milliseconds the bucket can hold, so tiny buckets report their value.
        long low = (long) Math.floor(upper / GAMMA) + 1;
        long high = (long) Math.floor(upper);
        if (low <= high) {
            value = Math.min(Math.max(value, low), high);
        }
        return Math.max(1, value);
    }

    private long bucketSum(int index) {
        int i = index - low;
        return counts == null || i < 0 || i >= counts.length ? 0 : sums[i];
    }

    private long bucket(int index) {
        int i = index - low;
        return counts == null || i < 0 || i >= counts.length ? 0 : counts[i];
    }

    private int firstIndex() {
        return counts == null ? 0 : low;
    }

    private int lastIndex() {
        return counts == null ? -1 : low + counts.length - 1;
    }

    /**
     * Grows the bucket window to include {@code from .. to}; histograms stay about as small as
     * their range. Growth adds slack on the growing side so a run of new extremes costs
     * amortised constant time, not a copy each.
     */
    private void cover(int from, int to) {
        if (counts == null) {
            low = from;
            counts = new long[to - from + 1];
            sums = new long[to - from + 1];
            return;
        }
        int high = low + counts.length - 1;
        if (from >= low && to <= high) {
            return;
        }
        int slack = Math.max(4, counts.length / 2);
        int newLow = from < low ? Math.max(0, from - slack) : low;
        int newHigh = to > high ? Math.min(BUCKETS - 1, to + slack) : high;
        long[] grown = new long[newHigh - newLow + 1];
        System.arraycopy(counts, 0, grown, low - newLow, counts.length);
        long[] grownSums = new long[grown.length];
        System.arraycopy(sums, 0, grownSums, low - newLow, sums.length);
        counts = grown;
        sums = grownSums;
        low = newLow;
    }
}
