package dev.tally.bench.gateway;

import java.util.Arrays;

/**
 * Percentiles and the printed lines of the gateway benchmark: each figure beside its target and
 * "met" / "NOT met". Stateless apart from counting the figures that missed their targets.
 * Not thread-safe; used by the main thread only.
 */
final class Figures {

    private int missed;

    /** The {@code q}-th quantile (0..1) of {@code nanos}, nearest rank; sorts a copy. */
    static long quantile(long[] nanos, double q) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** Prints p50/p99 of both sides and of their difference, per percentile. */
    void sides(String what, long[] direct, long[] through) {
        for (double q : new double[] {0.50, 0.99}) {
            long a = quantile(direct, q);
            long b = quantile(through, q);
            System.out.printf("  %-28s p%-2d  direct %9s   through tally %9s   added %9s%n", what, (int) Math.round(q * 100),
                    micros(a), micros(b), micros(b - a));
        }
    }

    /** Prints one added-latency figure against its upper bound, and remembers a miss. */
    void target(String what, long addedNanos, long targetNanos) {
        boolean met = addedNanos <= targetNanos;
        if (!met) {
            missed++;
        }
        System.out.printf("  => %-46s %9s   target <= %-9s %s%n", what, micros(addedNanos), micros(targetNanos),
                met ? "met" : "NOT met");
    }

    /** Prints a count that must be zero, and remembers a miss. */
    void zero(String what, long count, long outOf) {
        if (count != 0) {
            missed++;
        }
        System.out.printf("  => %-46s %9d of %d   target 0          %s%n", what, count, outOf, count == 0 ? "met" : "NOT met");
    }

    int missed() {
        return missed;
    }

    static String micros(long nanos) {
        return nanos >= 10_000_000 || nanos <= -10_000_000
                ? String.format("%.1f ms", nanos / 1e6)
                : String.format("%d µs", Math.round(nanos / 1e3));
    }
}
