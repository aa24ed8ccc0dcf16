package dev.tally.audit.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Laws of {@link LatencyHistogram}: exact merge, bounded percentile error, lossless encoding. */
class LatencyHistogramProperties {

    @Property
    void mergeIsCommutativeAndAssociative(@ForAll("latencyLists") List<Long> a, @ForAll("latencyLists") List<Long> b,
            @ForAll("latencyLists") List<Long> c) {
        LatencyHistogram ab = of(a);
        ab.merge(of(b));
        LatencyHistogram ba = of(b);
        ba.merge(of(a));
        assertThat(ab).isEqualTo(ba);

        LatencyHistogram abThenC = ab.copy();
        abThenC.merge(of(c));
        LatencyHistogram bc = of(b);
        bc.merge(of(c));
        LatencyHistogram aThenBc = of(a);
        aThenBc.merge(bc);
        assertThat(abThenC).isEqualTo(aThenBc);

        LatencyHistogram all = of(concat(a, b, c));
        assertThat(abThenC).as("merging equals recording everything in one").isEqualTo(all);
        assertThat(all.count()).isEqualTo(a.size() + b.size() + c.size());
        assertThat(all.sum()).isEqualTo(concat(a, b, c).stream().mapToLong(v -> Math.max(0, v)).sum());
    }

    @Property
    void percentilesAreWithinTheBucketErrorOfTheExactValue(@ForAll("latencyLists") @Size(min = 1) List<Long> values,
            @ForAll @DoubleRange(min = 0.001, max = 1.0) @Scale(4) double q) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        long exact = sorted[(int) Math.max(1, Math.ceil(q * sorted.length)) - 1];
        long reported = of(values).percentile(q);
        assertThat((double) Math.abs(reported - exact)).isLessThanOrEqualTo(exact * 0.04 + 0.5);
    }

    @Property
    void bytesRoundTripExactly(@ForAll("latencyLists") List<Long> values) {
        LatencyHistogram h = of(values);
        assertThat(LatencyHistogram.fromBytes(h.toBytes())).isEqualTo(h);
    }

    @Property
    void subtractUndoesMerge(@ForAll("latencyLists") List<Long> a, @ForAll("latencyLists") List<Long> b) {
        LatencyHistogram both = of(a);
        both.merge(of(b));
        both.subtract(of(b));
        assertThat(both).isEqualTo(of(a));
    }

    @Property
    void mergingBytesEqualsMergingTheHistogram(@ForAll("latencyLists") List<Long> a, @ForAll("latencyLists") List<Long> b) {
        LatencyHistogram viaBytes = of(a);
        viaBytes.mergeBytes(of(b).toBytes());
        LatencyHistogram direct = of(a);
        direct.merge(of(b));
        assertThat(viaBytes).isEqualTo(direct);
    }

    @Test
    void badBytesAddNothing() {
        LatencyHistogram h = of(List.of(5L, 50L));
        byte[] trailing = java.util.Arrays.copyOf(of(List.of(7L)).toBytes(), of(List.of(7L)).toBytes().length + 1);
        assertThatThrownBy(() -> h.mergeBytes(trailing)).hasMessageContaining("trailing");
        assertThat(h).isEqualTo(of(List.of(5L, 50L)));
    }

    @Test
    void emptyHistogramHasNoPercentileAndEncodesSmall() {
        LatencyHistogram empty = new LatencyHistogram();
        assertThat(empty.percentile(0.5)).isNull();
        assertThat(empty.toBytes()).hasSize(4);
        assertThat(LatencyHistogram.fromBytes(null)).isEqualTo(empty);
    }

    @Test
    void aTypicalRowEncodesCompactly() {
        LatencyHistogram h = of(LongStream.rangeClosed(1, 1000).map(i -> 200 + (i * 37) % 800).boxed().toList());
        assertThat(h.toBytes().length).isLessThan(160); // counts and bucket sums of about 25 buckets
        assertThat(h.count()).isEqualTo(1000);
    }

    @Test
    void zeroAndNegativeValuesCountAsZero() {
        LatencyHistogram h = of(List.of(0L, -5L, 10L));
        assertThat(h.count()).isEqualTo(3);
        assertThat(h.sum()).isEqualTo(10);
        assertThat(h.percentile(0.5)).isZero();
        assertThat(h.percentile(1.0)).isEqualTo(10);
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        assertThatThrownBy(() -> new LatencyHistogram().percentile(0)).hasMessageContaining("quantile: 0.0");
        assertThatThrownBy(() -> LatencyHistogram.fromBytes(new byte[] {9})).hasMessageContaining("version 9");
        assertThatThrownBy(() -> LatencyHistogram.fromBytes(new byte[] {1, 0})).hasMessageContaining("truncated");
        LatencyHistogram small = of(List.of(5L));
        assertThatThrownBy(() -> small.subtract(of(List.of(5L, 6L)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<List<Long>> latencyLists() {
        Arbitrary<Long> latency = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 100),
                Arbitraries.longs().between(0, 120_000),
                Arbitraries.longs().between(0, 10_000_000_000L));
        return latency.list().ofMaxSize(200);
    }

    private static LatencyHistogram of(List<Long> values) {
        LatencyHistogram h = new LatencyHistogram();
        values.forEach(h::record);
        return h;
    }

    @SafeVarargs
    private static List<Long> concat(List<Long>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
