package dev.tally.audit.adjust;

import java.time.Instant;
import java.util.Map;

/**
 * Which {@link CostAdjustment}s to read: by the adjusted call's time and dimensions, as usage
 * reports filter calls. Every bound is optional (null, or an empty tag map). Immutable.
 *
 * @param since inclusive lower bound on the adjusted call's {@code started_at}, or null
 * @param until exclusive upper bound on it, or null
 * @param chain only adjustments appended to this chain, or null
 * @param keyId only the calls of this key, or null
 * @param model only calls of this requested model, or null
 * @param provider only this provider, or null
 * @param status only this status (wire name), or null
 * @param user only this user, or null
 * @param tag only calls carrying every one of these tag values
 */
public record AdjustmentFilter(Instant since, Instant until, String chain, String keyId, String model,
        String provider, String status, String user, Map<String, String> tag) {

    public AdjustmentFilter {
        tag = tag == null ? Map.of() : Map.copyOf(tag);
    }

    /** Every adjustment. */
    public static AdjustmentFilter all() {
        return new AdjustmentFilter(null, null, null, null, null, null, null, null, Map.of());
    }

    /** The adjustments of calls of {@code model} in [{@code since}, {@code until}). */
    public static AdjustmentFilter ofModel(String model, Instant since, Instant until) {
        return new AdjustmentFilter(since, until, null, null, model, null, null, null, Map.of());
    }

    /** Whether an adjustment's call carries the tag values this filter asks for (the one part filtered in memory). */
    public boolean tagsMatch(CostAdjustment adjustment) {
        return tag.entrySet().stream().allMatch(e -> e.getValue().equals(adjustment.tags().get(e.getKey())));
    }
}
