package dev.tally.gateway.organization;

import java.util.List;
import java.util.Map;

/**
 * One time bucket of an answer: {@code [start, end)} in unix seconds, aligned to UTC multiples of
 * the width (a bucket at an edge of the query counts only the calls inside {@code start_time} and
 * {@code end_time}), and its results, in a stable order.
 */
record Bucket(long start, long end, List<Result> results) {

    Bucket {
        results = List.copyOf(results);
    }

    /**
     * One result: the values of the grouped fields (null values kept) and what they add up to.
     */
    record Result(Map<Field, String> group, Measures measures) {
    }
}
