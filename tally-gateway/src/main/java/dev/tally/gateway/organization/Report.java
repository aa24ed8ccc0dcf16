package dev.tally.gateway.organization;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One of the three OpenAI organization routes Tally answers, with what OpenAI's API reference
 * accepts on it: bucket widths, {@code group_by} fields and filters. Costs take {@code 1d} only,
 * with {@code limit} 1..180 (default 7).
 */
enum Report {
    COMPLETIONS("/v1/organization/usage/completions", "organization.usage.completions.result",
            EnumSet.allOf(BucketWidth.class),
            List.of(Field.PROJECT, Field.USER, Field.API_KEY, Field.MODEL, Field.BATCH, Field.SERVICE_TIER),
            List.of(Field.PROJECT, Field.USER, Field.API_KEY, Field.MODEL, Field.BATCH)),
    EMBEDDINGS("/v1/organization/usage/embeddings", "organization.usage.embeddings.result",
            EnumSet.allOf(BucketWidth.class),
            List.of(Field.PROJECT, Field.USER, Field.API_KEY, Field.MODEL),
            List.of(Field.PROJECT, Field.USER, Field.API_KEY, Field.MODEL)),
    COSTS("/v1/organization/costs", "organization.costs.result",
            EnumSet.of(BucketWidth.DAY),
            List.of(Field.PROJECT, Field.LINE_ITEM, Field.API_KEY),
            List.of(Field.PROJECT, Field.API_KEY));

    /** Most daily cost buckets in one page (OpenAI: 180). */
    static final int MAX_COST_BUCKETS = 180;

    private final String path;
    private final String resultObject;
    private final Set<BucketWidth> widths;
    private final List<Field> groups;
    private final List<Field> filters;

    Report(String path, String resultObject, Set<BucketWidth> widths, List<Field> groups, List<Field> filters) {
        this.path = path;
        this.resultObject = resultObject;
        this.widths = widths;
        this.groups = groups;
        this.filters = filters;
    }

    String path() {
        return path;
    }

    /** The {@code object} of each result. */
    String resultObject() {
        return resultObject;
    }

    Set<BucketWidth> widths() {
        return widths;
    }

    /** The fields {@code group_by} accepts, in the order results list them. */
    List<Field> groups() {
        return groups;
    }

    /** The fields that have a filter parameter. */
    List<Field> filters() {
        return filters;
    }

    /** The most buckets a page may hold at {@code width}. */
    int maxLimit(BucketWidth width) {
        return this == COSTS ? MAX_COST_BUCKETS : width.maxLimit();
    }
}
