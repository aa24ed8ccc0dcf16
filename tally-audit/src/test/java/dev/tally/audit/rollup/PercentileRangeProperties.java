package dev.tally.audit.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Percentiles read from a {@link LatencyHistogram} stay inside the recorded values: within
 * {@code [min, max]} of the multiset, exact for one sample, ordered {@code p50 <= p95 <= p99},
 * however the histogram was built (recorded, merged from parts, read back from its stored bytes).
 */
class PercentileRangeProperties {

    private static final double[] QUANTILES = {0.5, 0.95, 0.99};

    @Property
    void everyPercentileLiesWithinTheValuesRangeAndInOrder(@ForAll("multisets") List<Long> values,
            @ForAll @IntRange(min = 1, max = 4) int parts) {
        long min = values.stream().mapToLong(v -> Math.max(0, v)).min().orElseThrow();
        long max = values.stream().mapToLong(v -> Math.max(0, v)).max().orElseThrow();
        for (LatencyHistogram h : ways(values, parts)) {
            long previous = Long.MIN_VALUE;
            for (double q : QUANTILES) {
                long p = h.percentile(q);
                assertThat(p).as("p%s of %s from %s", q * 100, values, h).isBetween(min, max);
                assertThat(p).as("percentiles in order").isGreaterThanOrEqualTo(previous);
                previous = p;
            }
        }
    }

    @Property
    void oneSampleIsReportedExactly(@ForAll @LongRange(min = 0, max = 10_000_000) long value) {
        for (LatencyHistogram h : ways(List.of(value), 1)) {
            for (double q : QUANTILES) {
                assertThat(h.percentile(q)).isEqualTo(value);
            }
        }
    }

    @Property
    void subtractingAPartKeepsTheRangeAsReportsFromRollupsDo(@ForAll("multisets") List<Long> kept,
            @ForAll("multisets") List<Long> removed) {
        // A report takes the calls of a partial hour out of the hour's row: what is left must still
        // report within its own values, and equal the histogram of those values.
        List<Long> all = new ArrayList<>(kept);
        all.addAll(removed);
        LatencyHistogram h = LatencyHistogram.fromBytes(histogram(all).toBytes());
        h.subtract(histogram(removed));
        assertThat(h).isEqualTo(histogram(kept));
        long min = kept.stream().mapToLong(v -> Math.max(0, v)).min().orElseThrow();
        long max = kept.stream().mapToLong(v -> Math.max(0, v)).max().orElseThrow();
        for (double q : QUANTILES) {
            assertThat(h.percentile(q)).isBetween(min, max).isEqualTo(histogram(kept).percentile(q));
        }
    }

    @Property
    void oneSampleIsExactWithoutBucketSums(@ForAll @LongRange(min = 1, max = 10_000_000) long value) {
        LatencyHistogram legacy = LatencyHistogram.fromBytes(histogram(List.of(value)).canonicalBytes());
        assertThat(legacy.hasBucketSums()).isFalse();
        for (double q : QUANTILES) {
            assertThat(legacy.percentile(q)).isEqualTo(value);
        }
    }

    @Property
    void valuesSharingABucketReportTheirMean(@ForAll("oneBucket") List<Long> values) {
        LatencyHistogram h = histogram(values);
        long min = values.stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = values.stream().mapToLong(Long::longValue).max().orElseThrow();
        long mean = Math.round(values.stream().mapToLong(Long::longValue).average().orElseThrow());
        for (double q : QUANTILES) {
            assertThat(h.percentile(q)).isBetween(min, max).isEqualTo(mean);
        }
    }

    @Test
    void theReportedSingleCallOfTheIssueIsExact() {
        LatencyHistogram h = histogram(List.of(731L));

        assertThat(h.percentile(0.95)).isEqualTo(731L);
        assertThat(LatencyHistogram.fromBytes(h.toBytes()).percentile(0.95)).isEqualTo(731L);
    }

    @Test
    void canonicalBytesLeaveOutTheBucketSumsAndReadBackWithoutThem() {
        LatencyHistogram h = histogram(List.of(731L, 90L, 0L));
        LatencyHistogram legacy = LatencyHistogram.fromBytes(h.canonicalBytes());

        assertThat(legacy).isEqualTo(h);
        assertThat(legacy.hasBucketSums()).isFalse();
        assertThat(legacy.canonicalBytes()).isEqualTo(h.canonicalBytes());
        assertThat(h.toBytes()).isNotEqualTo(h.canonicalBytes());
        LatencyHistogram mixed = h.copy();
        mixed.merge(legacy);
        assertThat(mixed.hasBucketSums()).isFalse();
        assertThat(LatencyHistogram.fromBytes(mixed.toBytes())).isEqualTo(mixed);
    }

    /** The same multiset as a histogram recorded at once, merged from parts, and read back from bytes. */
    private static List<LatencyHistogram> ways(List<Long> values, int parts) {
        List<LatencyHistogram> ways = new ArrayList<>();
        ways.add(histogram(values));
        LatencyHistogram merged = new LatencyHistogram();
        for (int p = 0; p < parts; p++) {
            List<Long> part = new ArrayList<>();
            for (int i = p; i < values.size(); i += parts) {
                part.add(values.get(i));
            }
            LatencyHistogram partHistogram = LatencyHistogram.fromBytes(histogram(part).toBytes());
            merged.mergeBytes(partHistogram.toBytes());
        }
        ways.add(merged);
        ways.add(LatencyHistogram.fromBytes(histogram(values).toBytes()));
        return ways;
    }

    private static LatencyHistogram histogram(List<Long> values) {
        LatencyHistogram h = new LatencyHistogram();
        values.forEach(h::record);
        return h;
    }

    @Provide
    Arbitrary<List<Long>> multisets() {
        Arbitrary<Long> small = Arbitraries.longs().between(-5, 50);
        Arbitrary<Long> wide = Arbitraries.longs().between(0, 600_000);
        Arbitrary<Long> clustered = Arbitraries.longs().between(700, 760);
        return Arbitraries.oneOf(small, wide, clustered).list().ofMinSize(1).ofMaxSize(200);
    }

    @Provide
    Arbitrary<List<Long>> oneBucket() {
        // 694..748 is one bucket: ceil(ln v / ln 1.08) is 86 for all of them.
        return Arbitraries.longs().between(694, 748).list().ofMinSize(2).ofMaxSize(50);
    }
}
