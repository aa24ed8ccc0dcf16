package dev.tally.audit.adjust;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One change of a call's cost, made without editing its {@link CallRecord}: the call's effective
 * cost is its {@code cost_micros} plus the {@link #deltaMicros()} of every adjustment of it.
 * Stored twice in one transaction: as a chained {@code cost_adjustment} {@link AdminEvent} (what
 * the chain proves) and as a {@code cost_adjustments} row (what usage reports add up; the
 * call's dimensions are copied into it so reports group adjustments like calls).
 *
 * <h2>The event</h2>
 * {@link #toEvent(String)} writes: {@code target} = the call's id; {@code before} =
 * {@code cost_micros} and {@code price_id} of the effective cost before (both absent when the
 * call was unpriced); {@code after} = {@code cost_micros}, {@code price_id}, {@code delta_micros},
 * {@code model} and {@code started_at} (the call's), and {@code reason} when given. The call's
 * key, provider, status, user and tags are not in the event: they are the record's, and
 * {@code verify --deep} checks the row's copy against the record while it is retained.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the event's id (UUIDv7), also the row's
 * @param chain the chain the event is appended to
 * @param adjustedAt when the adjustment was made (the event's timestamp)
 * @param recordId the adjusted call record's id
 * @param recordStartedAt the call's {@code started_at}: the time the adjustment is reported under
 * @param keyId the call's key, or null
 * @param model the call's requested model
 * @param provider the call's provider, or null
 * @param status the call's status (wire name), or null
 * @param user the call's user, or null
 * @param tags the call's tags; never null
 * @param oldMicros the effective cost before, or null when the call was unpriced
 * @param oldPriceId the price id of the effective cost before, or null when unpriced
 * @param newMicros the cost at the current prices
 * @param newPriceId the price id of the current prices
 * @param reason why, as the operator gave it, or null
 */
public record CostAdjustment(
        String id,
        String chain,
        Instant adjustedAt,
        String recordId,
        Instant recordStartedAt,
        String keyId,
        String model,
        String provider,
        String status,
        String user,
        Map<String, String> tags,
        Long oldMicros,
        String oldPriceId,
        long newMicros,
        String newPriceId,
        String reason) {

    /** The longest reason kept (characters). */
    public static final int MAX_REASON = 256;

    public CostAdjustment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(recordId, "record_id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(newPriceId, "new_price_id");
        adjustedAt = adjustedAt.truncatedTo(ChronoUnit.MILLIS);
        recordStartedAt = recordStartedAt.truncatedTo(ChronoUnit.MILLIS);
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
        if (newMicros < 0) {
            throw new IllegalArgumentException("new_micros: " + newMicros + " (expected: >= 0)");
        }
        if ((oldMicros == null) != (oldPriceId == null)) {
            throw new IllegalArgumentException("old_micros: " + oldMicros + ", old_price_id: " + oldPriceId
                    + " (expected: both present, or both absent for an unpriced call)");
        }
        if (reason != null && reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason: " + reason.length() + " characters (expected: at most "
                    + MAX_REASON + ")");
        }
    }

    /** An adjustment of {@code call} from its effective cost ({@code oldMicros}, {@code oldPriceId}) to the new one. */
    public static CostAdjustment of(String id, String chain, Instant adjustedAt, CallRecord call, Long oldMicros,
            String oldPriceId, long newMicros, String newPriceId, String reason) {
        return new CostAdjustment(id, chain, adjustedAt, call.id(), call.startedAt(), call.keyId(), call.model(),
                call.provider(), call.status() == null ? null : Json.wire(call.status()), call.user(), call.tags(),
                oldMicros, oldPriceId, newMicros, newPriceId, reason);
    }

    /** The new cost minus the old one (an unpriced call's old cost counts as 0). */
    public long deltaMicros() {
        return Math.subtractExact(newMicros, oldMicros == null ? 0 : oldMicros);
    }

    /** The chained event that records this adjustment (see the class comment for its fields). */
    public AdminEvent toEvent(String actor) {
        Map<String, String> before = new TreeMap<>();
        if (oldMicros != null) {
            before.put("cost_micros", Long.toString(oldMicros));
            before.put("price_id", oldPriceId);
        }
        Map<String, String> after = new TreeMap<>();
        after.put("cost_micros", Long.toString(newMicros));
        after.put("price_id", newPriceId);
        after.put("delta_micros", Long.toString(deltaMicros()));
        after.put("model", model);
        after.put("started_at", Json.INSTANT_FORMAT.format(recordStartedAt));
        if (reason != null) {
            after.put("reason", reason);
        }
        String detail = "call " + recordId + " (" + model + ") re-priced: "
                + (oldMicros == null ? "unpriced" : usd(oldMicros)) + " -> " + usd(newMicros)
                + " (" + (deltaMicros() >= 0 ? "+" : "") + usd(deltaMicros()) + ")";
        return new AdminEvent(id, adjustedAt, AdminEventType.COST_ADJUSTMENT, actor, recordId, before, after, detail);
    }

    /**
     * What a {@code cost_adjustment} event says, as an adjustment whose call dimensions are
     * unknown (null, no tags): what {@code verify --deep} compares a row with.
     *
     * @throws IllegalArgumentException when {@code event} is not a well-formed cost adjustment
     */
    public static CostAdjustment fromEvent(String chain, AdminEvent event) {
        if (event.type() != AdminEventType.COST_ADJUSTMENT) {
            throw new IllegalArgumentException("event " + event.id() + ": type " + Json.wire(event.type())
                    + " (expected: cost_adjustment)");
        }
        try {
            String old = event.before().get("cost_micros");
            return new CostAdjustment(event.id(), chain, event.timestamp(), event.target(),
                    Instant.parse(required(event, "started_at")), null, required(event, "model"), null, null, null,
                    Map.of(), old == null ? null : Long.valueOf(old), event.before().get("price_id"),
                    Long.parseLong(required(event, "cost_micros")), required(event, "price_id"),
                    event.after().get("reason"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("event " + event.id() + ": not a well-formed cost_adjustment ("
                    + e.getMessage() + ")", e);
        }
    }

    /** This adjustment without the call's dimensions: the part an event proves. */
    public CostAdjustment withoutDimensions() {
        return new CostAdjustment(id, chain, adjustedAt, recordId, recordStartedAt, null, model, null, null, null,
                Map.of(), oldMicros, oldPriceId, newMicros, newPriceId, reason);
    }

    /** Exact USD from micro-USD, as a plain decimal string with six fraction digits ({@code -0.001200}). */
    public static String usd(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }

    private static String required(AdminEvent event, String name) {
        String value = event.after().get(name);
        if (value == null) {
            throw new IllegalArgumentException("after." + name + " is missing");
        }
        return value;
    }
}
