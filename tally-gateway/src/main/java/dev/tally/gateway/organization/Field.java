package dev.tally.gateway.organization;

import dev.tally.audit.query.GroupBy;
import java.util.Optional;

/**
 * A dimension of OpenAI's usage and costs results, and what it is in Tally (docs/spend.md,
 * "OpenAI-compatible Usage and Costs API"):
 * <ul>
 * <li>{@code project_id}: the value of the call's tag {@code project} ({@value #PROJECT_TAG});
 * <li>{@code user_id}: the call's user ({@code x-tally-user} or the body's {@code user});
 * <li>{@code api_key_id}: the Tally virtual key's id;
 * <li>{@code model} and, in costs, {@code line_item}: the model the client asked for (Tally keeps a
 * call's cost as one sum, so a cost line item is a model, not a model and token kind);
 * <li>{@code batch}: always {@code false}, Tally relays no batch jobs;
 * <li>{@code service_tier}: always null, the rollups do not keep it.
 * </ul>
 */
enum Field {
    PROJECT("project_id", "project_ids"),
    USER("user_id", "user_ids"),
    API_KEY("api_key_id", "api_key_ids"),
    MODEL("model", "models"),
    BATCH("batch", "batch"),
    SERVICE_TIER("service_tier", null),
    LINE_ITEM("line_item", null);

    /** The tag whose value is a call's project. */
    static final String PROJECT_TAG = "project";

    private final String wire;
    private final String filter;

    Field(String wire, String filter) {
        this.wire = wire;
        this.filter = filter;
    }

    /** The name in {@code group_by} and in a result. */
    String wire() {
        return wire;
    }

    /** The name of the filter parameter, or null when there is none. */
    String filter() {
        return filter;
    }

    /** The usage report dimension holding this field's value, or empty for a constant. */
    Optional<GroupBy> dimension() {
        return switch (this) {
            case PROJECT -> Optional.of(new GroupBy.Tag(PROJECT_TAG));
            case USER -> Optional.of(GroupBy.Dimension.USER);
            case API_KEY -> Optional.of(GroupBy.Dimension.KEY);
            case MODEL, LINE_ITEM -> Optional.of(GroupBy.Dimension.MODEL);
            case BATCH, SERVICE_TIER -> Optional.empty();
        };
    }
}
