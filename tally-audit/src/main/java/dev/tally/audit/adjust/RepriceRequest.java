package dev.tally.audit.adjust;

import java.time.Instant;
import java.util.Objects;

/**
 * What to re-price: the calls of one requested model that started in [{@code since},
 * {@code until}). Immutable.
 *
 * @param model the requested model, as calls record it
 * @param since inclusive lower bound on started_at
 * @param until exclusive upper bound on started_at
 * @param dryRun count and sum what would change, append nothing
 * @param reason why, kept in every adjustment (at most {@value CostAdjustment#MAX_REASON} characters), or null
 * @param actor who asks ({@code admin-api}, {@code cli})
 * @throws IllegalArgumentException naming the field and the value when a bound or the model is missing or wrong
 */
public record RepriceRequest(String model, Instant since, Instant until, boolean dryRun, String reason, String actor) {

    public RepriceRequest {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model: '" + (model == null ? "" : model) + "' (expected: a model name)");
        }
        if (since == null) {
            throw new IllegalArgumentException("since: missing (expected: an ISO-8601 time or epoch ms)");
        }
        if (until == null) {
            throw new IllegalArgumentException("until: missing (expected: an ISO-8601 time or epoch ms)");
        }
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("until: " + until + " (expected: after since " + since + ")");
        }
        if (reason != null && reason.isBlank()) {
            reason = null;
        }
        if (reason != null && reason.length() > CostAdjustment.MAX_REASON) {
            throw new IllegalArgumentException("reason: " + reason.length() + " characters (expected: at most "
                    + CostAdjustment.MAX_REASON + ")");
        }
        Objects.requireNonNull(actor, "actor");
    }
}
