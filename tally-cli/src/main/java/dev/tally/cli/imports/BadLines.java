package dev.tally.cli.imports;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The bad lines of an import: each one is reported on standard error as it is found (the first
 * {@value #MAX_DETAILED} with their reason, to keep a wholly wrong file readable), and all of
 * them are listed at the end as line ranges ({@code 3, 7-9, 12}), so none goes unmentioned.
 * Memory is one pair of numbers per run of consecutive bad lines. Not thread-safe.
 */
final class BadLines {

    static final int MAX_DETAILED = 1000;

    private final PrintWriter err;
    private final String prefix;
    private final List<long[]> ranges = new ArrayList<>();
    private long count;

    BadLines(PrintWriter err, String prefix) {
        this.err = err;
        this.prefix = prefix;
    }

    void add(long line, String reason) {
        count++;
        if (count <= MAX_DETAILED) {
            err.println(prefix + "line " + line + ": " + reason);
        } else if (count == MAX_DETAILED + 1) {
            err.println(prefix + "more than " + MAX_DETAILED + " bad lines; the rest are listed at the end");
        }
        long[] last = ranges.isEmpty() ? null : ranges.getLast();
        if (last != null && last[1] == line - 1) {
            last[1] = line;
        } else {
            ranges.add(new long[] {line, line});
        }
    }

    long count() {
        return count;
    }

    /** {@code 3, 7-9, 12}. */
    String lines() {
        StringBuilder s = new StringBuilder();
        for (long[] r : ranges) {
            s.append(s.isEmpty() ? "" : ", ").append(r[0] == r[1] ? Long.toString(r[0]) : r[0] + "-" + r[1]);
        }
        return s.toString();
    }
}
