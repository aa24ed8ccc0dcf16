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
 * <h2>Encoding</h2>
 * {@link #toBytes()} writes a sparse form, stored in a BLOB column:
 * <pre>
 * byte    version (1)
 * varint  count of zeros
 * varint  sum of all values
 * varint  number of non-empty buckets n
 * n times: varint (bucket index − previous index), varint count   -- indexes ascending, first from 0
 * </pre>
 * varints are unsigned LEB128. A typical row with a few dozen distinct latencies takes well
 * under 100 bytes.
 *
 * <p>Counts and sum are exact, so merging and subtracting (of a histogram that was merged in)
 * are exact too; merge is associative and commutative. Not thread-safe.
 */
public final class LatencyHistogram {

    /** Bucket growth factor. */
    public static final double GAMMA = 1.08;

    private static final double LOG_GAMMA = Math.log(GAMMA);
    private static final byte VERSION = 1;
    /** Enough buckets for any long value: ceil(ln(Long.MAX_VALUE) / ln 1.08) = 568; the window in use is smaller. */
    private static final int BUCKETS = (int) Math.ceil(Math.log(Long.MAX_VALUE) / LOG_GAMMA) + 2;

    private long zeros;
    private long sum;
    private long count;
    /** Counts of buckets {@code low .. low + counts.length - 1}; null until a value >= 1 arrives. */
    private long[] counts;
    private int low;

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
        if (other.counts != null) {
            cover(other.low, other.low + other.counts.length - 1);
            for (int i = 0; i < other.counts.length; i++) {
                counts[other.low + i - low] += other.counts[i];
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
                }
            }
        }
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
     * described above; null when the histogram is empty.
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
        long seen = zeros;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return representative(low + i);
            }
        }
        throw new IllegalStateException("bucket counts do not add up to " + count);
    }

    /** The sparse binary form described in the class comment. */
    public byte[] toBytes() {
        int nonEmpty = 0;
        if (counts != null) {
            for (long c : counts) {
                nonEmpty += c != 0 ? 1 : 0;
            }
        }
        // A plain array rather than a ByteArrayOutputStream, whose every write takes a lock: the
        // writer encodes two histograms per rollup row it upserts. A varint takes at most 10 bytes.
        byte[] out = new byte[1 + 3 * 10 + nonEmpty * 2 * 10];
        int[] pos = {0};
        out[pos[0]++] = VERSION;
        writeVarint(out, pos, zeros);
        writeVarint(out, pos, sum);
        writeVarint(out, pos, nonEmpty);
        int previous = 0;
        for (int i = 0; nonEmpty > 0 && i < counts.length; i++) {
            if (counts[i] != 0) {
                writeVarint(out, pos, low + i - previous);
                writeVarint(out, pos, counts[i]);
                previous = low + i;
            }
        }
        return Arrays.copyOf(out, pos[0]);
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
        if (bytes[0] != VERSION) {
            throw new IllegalArgumentException("histogram: version " + bytes[0] + " (expected: " + VERSION + ")");
        }
        int[] pos = {1};
        long addZeros = readVarint(bytes, pos);
        long addSum = readVarint(bytes, pos);
        long nonEmpty = readVarint(bytes, pos);
        if (nonEmpty < 0 || nonEmpty > BUCKETS) {
            throw new IllegalArgumentException("histogram: " + nonEmpty + " buckets (expected: 0.." + BUCKETS + ")");
        }
        int[] indexes = new int[(int) nonEmpty];
        long[] values = new long[(int) nonEmpty];
        int index = 0;
        for (int n = 0; n < nonEmpty; n++) {
            index += (int) readVarint(bytes, pos);
            if (index < 0 || index >= BUCKETS) {
                throw new IllegalArgumentException("histogram: bucket " + index + " (expected: 0.." + (BUCKETS - 1) + ")");
            }
            indexes[n] = index;
            values[n] = readVarint(bytes, pos);
        }
        if (pos[0] != bytes.length) {
            throw new IllegalArgumentException("histogram: " + (bytes.length - pos[0]) + " trailing bytes (expected: none)");
        }
        // Validated: now add, so a bad input changes nothing.
        zeros += addZeros;
        sum += addSum;
        count += addZeros;
        if (nonEmpty > 0) {
            cover(indexes[0], indexes[indexes.length - 1]);
            for (int n = 0; n < nonEmpty; n++) {
                counts[indexes[n] - low] += values[n];
                count += values[n];
            }
        }
    }

    /** A copy of this histogram. */
    public LatencyHistogram copy() {
        LatencyHistogram h = new LatencyHistogram();
        h.merge(this);
        return h;
    }

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
        for (int i = from; i <= to; i++) {
            if (bucket(i) != that.bucket(i)) {
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
                + (counts == null ? "" : ", buckets from " + low + "=" + Arrays.toString(counts)) + "]";
    }

    static int indexOf(long millis) {
        return (int) Math.ceil(Math.log(millis) / LOG_GAMMA);
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
        counts = grown;
        low = newLow;
    }

    private static void writeVarint(byte[] out, int[] pos, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out[pos[0]++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos[0]++] = (byte) v;
    }

    private static long readVarint(byte[] bytes, int[] pos) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= bytes.length) {
                throw new IllegalArgumentException("histogram: truncated at byte " + pos[0] + " (expected: more bytes)");
            }
            byte b = bytes[pos[0]++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("histogram: varint longer than 10 bytes at " + pos[0]);
    }
}
