package dev.tally.audit.rollup;

import java.util.Arrays;

/**
 * The stored form of a {@link LatencyHistogram} (its class comment describes the layout, versions
 * 1 and 2): encoding from a histogram's parts and decoding, fully validated, into parts that the
 * histogram then adds. Varints are unsigned LEB128; a bucket's sum is stored as its offset from
 * count × the bucket's smallest whole millisecond, zigzag-encoded. Stateless.
 */
final class HistogramBytes {

    static final byte VERSION = 1;
    static final byte VERSION_WITH_SUMS = 2;

    /**
     * What one encoded histogram holds: zeros, total sum, and per non-empty bucket (ascending
     * index) its count and, with version 2, its sum ({@code sums} all 0 otherwise).
     */
    record Decoded(long zeros, long sum, int[] indexes, long[] counts, long[] sums, boolean withSums) {
    }

    private HistogramBytes() {
    }

    /**
     * Encodes buckets {@code low ..} whose counts are {@code counts} (and sums {@code sums}, read
     * only {@code withSums}).
     */
    static byte[] encode(long zeros, long sum, int low, long[] counts, long[] sums, boolean withSums) {
        int nonEmpty = 0;
        for (long c : counts) {
            nonEmpty += c != 0 ? 1 : 0;
        }
        // A plain array rather than a ByteArrayOutputStream, whose every write takes a lock: the
        // writer encodes two histograms per rollup row it upserts. A varint takes at most 10 bytes.
        byte[] out = new byte[1 + 3 * 10 + nonEmpty * 3 * 10];
        int[] pos = {0};
        out[pos[0]++] = withSums ? VERSION_WITH_SUMS : VERSION;
        writeVarint(out, pos, zeros);
        writeVarint(out, pos, sum);
        writeVarint(out, pos, nonEmpty);
        int previous = 0;
        for (int i = 0; nonEmpty > 0 && i < counts.length; i++) {
            if (counts[i] != 0) {
                writeVarint(out, pos, low + i - previous);
                writeVarint(out, pos, counts[i]);
                if (withSums) {
                    long offset = sums[i] - counts[i] * LatencyHistogram.smallest(low + i);
                    writeVarint(out, pos, (offset << 1) ^ (offset >> 63)); // zigzag: a rounding edge may make it negative
                }
                previous = low + i;
            }
        }
        return Arrays.copyOf(out, pos[0]);
    }

    /**
     * Decodes non-empty {@code bytes}.
     *
     * @throws IllegalArgumentException naming what is wrong when the bytes are not a histogram
     */
    static Decoded decode(byte[] bytes) {
        if (bytes[0] != VERSION && bytes[0] != VERSION_WITH_SUMS) {
            throw new IllegalArgumentException("histogram: version " + bytes[0] + " (expected: " + VERSION + " or "
                    + VERSION_WITH_SUMS + ")");
        }
        boolean withSums = bytes[0] == VERSION_WITH_SUMS;
        int[] pos = {1};
        long zeros = readVarint(bytes, pos);
        long sum = readVarint(bytes, pos);
        long nonEmpty = readVarint(bytes, pos);
        int buckets = LatencyHistogram.BUCKETS;
        if (nonEmpty < 0 || nonEmpty > buckets) {
            throw new IllegalArgumentException("histogram: " + nonEmpty + " buckets (expected: 0.." + buckets + ")");
        }
        int[] indexes = new int[(int) nonEmpty];
        long[] counts = new long[(int) nonEmpty];
        long[] sums = new long[(int) nonEmpty];
        int index = 0;
        for (int n = 0; n < nonEmpty; n++) {
            index += (int) readVarint(bytes, pos);
            if (index < 0 || index >= buckets) {
                throw new IllegalArgumentException("histogram: bucket " + index + " (expected: 0.." + (buckets - 1) + ")");
            }
            indexes[n] = index;
            counts[n] = readVarint(bytes, pos);
            if (withSums) {
                long zigzag = readVarint(bytes, pos);
                sums[n] = counts[n] * LatencyHistogram.smallest(index) + ((zigzag >>> 1) ^ -(zigzag & 1));
            }
        }
        if (pos[0] != bytes.length) {
            throw new IllegalArgumentException("histogram: " + (bytes.length - pos[0]) + " trailing bytes (expected: none)");
        }
        return new Decoded(zeros, sum, indexes, counts, sums, withSums);
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
